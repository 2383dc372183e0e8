package dev.coexist.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ceiling: nginx answering {@code return 200} to everything, on a free loopback port, with a
 * generated config in a temp dir. It still reads (and discards) every request body, so it measures
 * what this machine's loopback and HTTP parsing allow, nothing of Coexist's own work.
 */
final class NginxCeiling implements BenchServer {

  private static final Logger LOG = LoggerFactory.getLogger(NginxCeiling.class);
  static final Path DEFAULT_BINARY = Path.of("/usr/sbin/nginx");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final LoopbackEndpoint endpoint;
  private final Path workDir;
  private final String version;

  private NginxCeiling(Process process, LoopbackEndpoint endpoint, Path workDir, String version) {
    this.process = process;
    this.endpoint = endpoint;
    this.workDir = workDir;
    this.version = version;
  }

  static boolean installed(Path binary) {
    return Files.isExecutable(binary);
  }

  static NginxCeiling start(Path binary, List<HeaderSecret> headers) throws IOException {
    final Path workDir = TempDirs.create("coexist-bench-nginx-");
    final int port = LoopbackPorts.free();
    final Path config = workDir.resolve("nginx.conf");
    Files.writeString(config, config(workDir, port));
    final Path log = workDir.resolve("error.log");
    LOG.info("starting nginx ceiling on 127.0.0.1:{}, config {}", port, config);
    final Process process =
        ChildProcesses.start(
            new ProcessBuilder(
                    binary.toString(),
                    "-p",
                    workDir.toString(),
                    "-c",
                    config.toString(),
                    "-e",
                    log.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("stdout.log").toFile()));
    final LoopbackEndpoint endpoint = new LoopbackEndpoint("nginx", port, headers);
    final NginxCeiling server = new NginxCeiling(process, endpoint, workDir, version(binary));
    final String notReady = LoopbackPorts.awaitOk(endpoint, "/", READY_TIMEOUT, process::isAlive);
    if (notReady != null) {
      final String errors = TempDirs.tail(log, 20);
      server.close();
      throw new IOException("nginx did not start: " + notReady + "\n" + errors);
    }
    return server;
  }

  /**
   * A minimal config: no access log, keep-alive without a request cap (nginx closes a connection
   * after 1,000 requests by default, which would add reconnects the Coexist run does not have), and
   * a body buffer big enough that 1 MB history chunks stay in memory instead of a temp file.
   */
  static String config(Path workDir, int port) {
    final boolean root = "root".equals(System.getProperty("user.name"));
    return (root ? "user root;\n" : "")
        + "worker_processes auto;\n"
        + "daemon off;\n"
        + "pid "
        + workDir.resolve("nginx.pid")
        + ";\n"
        + "error_log "
        + workDir.resolve("error.log")
        + " warn;\n"
        + "events { worker_connections 4096; }\n"
        + "http {\n"
        + "  access_log off;\n"
        + "  client_body_temp_path "
        + workDir.resolve("body")
        + ";\n"
        + "  proxy_temp_path "
        + workDir.resolve("proxy")
        + ";\n"
        + "  fastcgi_temp_path "
        + workDir.resolve("fastcgi")
        + ";\n"
        + "  uwsgi_temp_path "
        + workDir.resolve("uwsgi")
        + ";\n"
        + "  scgi_temp_path "
        + workDir.resolve("scgi")
        + ";\n"
        + "  client_max_body_size 16m;\n"
        + "  client_body_buffer_size 4m;\n"
        + "  keepalive_requests 10000000;\n"
        + "  keepalive_timeout 300s;\n"
        + "  server {\n"
        + "    listen 127.0.0.1:"
        + port
        + ";\n"
        + "    location / { default_type text/plain; return 200 \"ok\"; }\n"
        + "  }\n"
        + "}\n";
  }

  private static String version(Path binary) {
    try {
      final Process process =
          new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
      final String out = new String(process.getInputStream().readAllBytes()).trim();
      process.waitFor();
      return out.replace("nginx version: ", "");
    } catch (IOException e) {
      return "nginx";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "nginx";
    }
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
    return version + " `return 200` (worker_processes auto, generated config)";
  }

  @Override
  public void close() {
    ChildProcesses.stop(process, 10);
    TempDirs.delete(workDir);
  }
}
