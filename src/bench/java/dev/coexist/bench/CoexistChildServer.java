package dev.coexist.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code coexist serve} as a child process: the same java binary and class path as this benchmark,
 * a fresh data directory, a free loopback port and a random header secret. Stopped with SIGTERM
 * (graceful) on close; the data directory is removed unless asked to keep it.
 */
final class CoexistChildServer implements BenchServer {

  private static final Logger LOG = LoggerFactory.getLogger(CoexistChildServer.class);
  static final String MAIN_CLASS = "dev.coexist.cli.Main";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final long STOP_GRACE_SECONDS = 30;

  private final Process process;
  private final LoopbackEndpoint endpoint;
  private final Path workDir;
  private final Path dataDir;
  private final boolean keepData;
  private final List<String> jvmOptions;
  private final String storage;

  private CoexistChildServer(
      Process process,
      LoopbackEndpoint endpoint,
      Path workDir,
      Path dataDir,
      boolean keepData,
      List<String> jvmOptions,
      String storage) {
    this.process = process;
    this.endpoint = endpoint;
    this.workDir = workDir;
    this.dataDir = dataDir;
    this.keepData = keepData;
    this.jvmOptions = jvmOptions;
    this.storage = storage;
  }

  static CoexistChildServer start(List<String> jvmOptions, boolean keepData) throws IOException {
    return start(jvmOptions, keepData, List.of(), "SQLite in a fresh temp dir");
  }

  /**
   * @param serveOptions more {@code coexist serve} options, e.g. {@code --max-connections 4096}
   */
  static CoexistChildServer start(
      List<String> jvmOptions, List<String> serveOptions, boolean keepData) throws IOException {
    return start(jvmOptions, keepData, serveOptions, "SQLite in a fresh temp dir");
  }

  /**
   * @param serveOptions more {@code coexist serve} options, e.g. {@code --database URL}
   * @param storage where the data goes, in words, for the description
   */
  static CoexistChildServer start(
      List<String> jvmOptions, boolean keepData, List<String> serveOptions, String storage)
      throws IOException {
    final String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IOException("cannot tell which java binary runs this JVM"));
    final Path workDir = TempDirs.create("coexist-bench-");
    final Path dataDir = workDir.resolve("data");
    final Path log = workDir.resolve("server.log");
    final int port = LoopbackPorts.free();
    final HeaderSecret secret = HeaderSecret.random();
    final List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            MAIN_CLASS,
            "serve",
            "--bind",
            LoopbackEndpoint.LOOPBACK,
            "--port",
            Integer.toString(port),
            "--data-dir",
            dataDir.toString(),
            "--header-secret",
            secret.asOption()));
    command.addAll(serveOptions);
    LOG.info("starting coexist on 127.0.0.1:{}, data in {}, log {}", port, dataDir, log);
    final Process process =
        ChildProcesses.start(
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()));
    final LoopbackEndpoint endpoint = new LoopbackEndpoint("coexist", port, List.of(secret));
    final CoexistChildServer server =
        new CoexistChildServer(process, endpoint, workDir, dataDir, keepData, jvmOptions, storage);
    final String notReady =
        LoopbackPorts.awaitOk(endpoint, "/health/ready", READY_TIMEOUT, process::isAlive);
    if (notReady != null) {
      // read the log before close() may remove it
      final String tail = TempDirs.tail(log, 30);
      server.close();
      throw new IOException(
          "coexist did not become ready: " + notReady + "\n--- " + log + "\n" + tail);
    }
    return server;
  }

  @Override
  public LoopbackEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public OptionalLong cpuNanos() {
    return CpuClock.ofProcessTree(process.toHandle()).get();
  }

  @Override
  public String description() {
    return "coexist serve (child JVM pid "
        + process.pid()
        + (jvmOptions.isEmpty() ? "" : ", " + String.join(" ", jvmOptions))
        + "), "
        + storage;
  }

  long pid() {
    return process.pid();
  }

  Path workDir() {
    return workDir;
  }

  @Override
  public void close() {
    ChildProcesses.stop(process, STOP_GRACE_SECONDS);
    final boolean clean =
        !process.isAlive() && (process.exitValue() == 0 || process.exitValue() == 143);
    if (!clean) {
      LOG.warn(
          "coexist pid {} did not stop cleanly (alive {}, exit {}); see {}",
          process.pid(),
          process.isAlive(),
          process.isAlive() ? "-" : process.exitValue(),
          workDir.resolve("server.log"));
    }
    final long bytes = TempDirs.size(dataDir);
    if (keepData) {
      LOG.info("kept coexist data ({} MB) in {}", bytes / 1_000_000, dataDir);
    } else {
      LOG.info("removing coexist data ({} MB) in {}", bytes / 1_000_000, dataDir);
      // the log is kept when something went wrong
      TempDirs.delete(clean ? workDir : dataDir);
    }
  }
}
