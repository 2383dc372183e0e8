package dev.coexist.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code coexist serve} as a child process of the test JVM, on the test's class path, optionally
 * under a file-descriptor limit ({@code ulimit -n}); its standard output and error go to files.
 */
public final class CoexistProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private CoexistProcess(final Process process, final Path stdout, final Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code coexist serve} with the given options.
   *
   * @param descriptorLimit the {@code ulimit -n} to run under (soft and hard), 0 for none
   */
  public static CoexistProcess start(
      final Path folder, final int descriptorLimit, final String... serveOptions)
      throws IOException {
    final String java = ProcessHandle.current().info().command().orElse("java");
    final List<String> command = new ArrayList<>();
    if (descriptorLimit > 0) {
      // bash sets both limits, so the JVM cannot raise its soft limit to a higher hard one
      command.addAll(
          List.of("bash", "-c", "ulimit -n " + descriptorLimit + " && exec \"$@\"", "coexist"));
    }
    command.addAll(
        List.of(
            java,
            // as ./coexist starts it: SQLite's native library loads without a warning on stderr
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.coexist.cli.Main",
            "serve"));
    command.addAll(List.of(serveOptions));
    Files.createDirectories(folder);
    final Path stdout = folder.resolve("stdout.log");
    final Path stderr = folder.resolve("stderr.log");
    final Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    return new CoexistProcess(process, stdout, stderr);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits until {@code /health/live} answers 200 on the port. */
  public void awaitLive(final int port) throws IOException, InterruptedException {
    await(port, "/health/live");
  }

  /** Waits until {@code /health/ready} answers 200 on the port: it takes deliveries. */
  public void awaitReady(final int port) throws IOException, InterruptedException {
    await(port, "/health/ready");
  }

  private void await(final int port, final String path) throws IOException, InterruptedException {
    final HttpClient client = HttpClient.newHttpClient();
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("coexist exited " + process.exitValue() + ": " + stdoutText());
      }
      try {
        final HttpResponse<Void> answer =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("coexist did not answer 200 on " + path + " of port " + port);
  }

  /** SIGKILL: the process ends at once, wherever it is. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  public Process process() {
    return process;
  }

  public String stdoutText() throws IOException {
    return Files.readString(stdout);
  }

  public String stderrText() throws IOException {
    return Files.readString(stderr);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
