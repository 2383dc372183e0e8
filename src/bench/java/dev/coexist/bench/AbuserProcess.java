package dev.coexist.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Abusers} in a JVM of their own, started by the abuse scenario; {@link #main} is that
 * JVM's entry point.
 *
 * <p>In the benchmark's own JVM the abusers shared the load generator's two virtual-thread
 * carriers: 200 uploaders blocked in multi-megabyte socket writes and 2,000 slowloris threads woken
 * every second kept both carriers busy, and the valid senders' threads, their responses already in
 * their sockets, waited in the same queue to be scheduled. Their latency, counted from the intended
 * send time, then measured the generator's own backlog (seconds of it) rather than the server. In a
 * process of their own the abusers still take CPU from the machine, as an attacker on the same host
 * would, but no longer stand in the valid senders' scheduling queue.
 */
final class AbuserProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AbuserProcess.class);

  /** The child's heap: one 8 MB upload body shared by every uploader, and the threads' stacks. */
  private static final String HEAP = "-Xmx256m";

  /** The child prints this once every abuser is started. */
  private static final String STARTED = "abusers-started";

  /** The child's last line: what the abusers did, {@code key=value} separated by spaces. */
  private static final String TALLY = "abusers-tally";

  private static final Duration START_LIMIT = Duration.ofSeconds(30);

  /** After its deadline the child joins its threads (10 s at most), prints and exits. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

  private final Process process;
  private final Path workDir;
  private final Path log;
  private final Abusers.Shape shape;
  private final Duration runFor;
  private final int nice;
  private final long startedAt;

  private AbuserProcess(
      Process process, Path workDir, Path log, Abusers.Shape shape, Duration runFor, int nice) {
    this.process = process;
    this.workDir = workDir;
    this.log = log;
    this.shape = shape;
    this.runFor = runFor;
    this.nice = nice;
    this.startedAt = System.nanoTime();
  }

  /**
   * Starts the abusers against {@code endpoint} for {@code runFor}, and returns once every one of
   * them is started (connecting over the abusers' own ramp).
   */
  static AbuserProcess start(
      Abusers.Shape shape, LoopbackEndpoint endpoint, Duration runFor, int nice)
      throws IOException, InterruptedException {
    final String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IOException("cannot tell which java binary runs this JVM"));
    final Path workDir = TempDirs.create("coexist-abusers-");
    final Path log = workDir.resolve("abusers.log");
    final List<String> command = new ArrayList<>();
    if (nice != 0) {
      // nice execs the JVM: same process, every thread at that priority
      command.addAll(List.of(niceBinary(), "-n", Integer.toString(nice)));
    }
    command.add(java);
    command.add(HEAP);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            AbuserProcess.class.getName(),
            Integer.toString(endpoint.port()),
            Integer.toString(shape.slowloris()),
            Integer.toString(shape.uploads()),
            Long.toString(shape.uploadBytes()),
            Integer.toString(shape.stalled()),
            Long.toString(runFor.toMillis())));
    final Process process =
        ChildProcesses.start(
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()));
    final long until = System.nanoTime() + START_LIMIT.toNanos();
    while (!logged(log, STARTED)) {
      if (!process.isAlive() || System.nanoTime() > until) {
        final String tail = TempDirs.tail(log, 30);
        ChildProcesses.stop(process, 5);
        throw new IOException("the abusers' JVM did not start\n--- " + log + "\n" + tail);
      }
      Thread.sleep(20);
    }
    final AbuserProcess started = new AbuserProcess(process, workDir, log, shape, runFor, nice);
    LOG.info("abusers running in their own JVM, pid {}, nice {}", process.pid(), nice);
    return started;
  }

  private static String niceBinary() throws IOException {
    for (final String candidate : List.of("/usr/bin/nice", "/bin/nice")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IOException("a nice level was asked for the abusers, and there is no nice binary");
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the abusers to end at their deadline, and returns what they did. */
  Result stop() throws IOException, InterruptedException {
    final long left = runFor.toNanos() - (System.nanoTime() - startedAt);
    if (!process.waitFor(Math.max(0, left) + STOP_LIMIT.toNanos(), TimeUnit.NANOSECONDS)) {
      LOG.warn("the abusers' JVM (pid {}) did not end on time; stopping it", process.pid());
    }
    ChildProcesses.stop(process, 5);
    final String line =
        Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(each -> each.startsWith(TALLY + " "))
            .reduce((first, second) -> second)
            .orElseThrow(
                () ->
                    new IOException(
                        "the abusers' JVM ended without its tally\n--- "
                            + log
                            + "\n"
                            + TempDirs.tail(log, 30)));
    final Map<String, String> fields = fields(line);
    final Result result =
        new Result(
            parseTally(shape, fields),
            process.pid(),
            nice,
            cores(fields.get("cpuNanos"), fields.get("runNanos")));
    TempDirs.delete(workDir);
    return result;
  }

  /**
   * What the abusers did, and the CPU their JVM took while they ran, in cores (NaN when the JVM
   * could not tell).
   */
  record Result(Abusers.Tally tally, long pid, int nice, double cores) {}

  private static double cores(String cpuNanos, String runNanos) {
    try {
      final double cpu = Double.parseDouble(cpuNanos);
      final double run = Double.parseDouble(runNanos);
      return cpu >= 0 && run > 0 ? cpu / run : Double.NaN;
    } catch (NullPointerException | NumberFormatException unknown) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      ChildProcesses.stop(process, 5);
    }
  }

  private static boolean logged(Path log, String marker) throws IOException {
    if (!Files.exists(log)) {
      return false;
    }
    for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.equals(marker)) {
        return true;
      }
    }
    return false;
  }

  static String formatTally(Abusers.Tally tally, long cpuNanos, long runNanos) {
    final StringBuilder statuses = new StringBuilder();
    tally
        .uploadStatuses()
        .forEach(
            (status, count) ->
                statuses
                    .append(statuses.isEmpty() ? "" : ",")
                    .append(status)
                    .append(':')
                    .append(count));
    return TALLY
        + " connectsOpened="
        + tally.connectsOpened()
        + " connectsFailed="
        + tally.connectsFailed()
        + " slowlorisClosedByServer="
        + tally.slowlorisClosedByServer()
        + " stalledClosedByServer="
        + tally.stalledClosedByServer()
        + " uploadsSent="
        + tally.uploadsSent()
        + " uploadErrors="
        + tally.uploadErrors()
        + " uploadStatuses="
        + statuses
        + " cpuNanos="
        + cpuNanos
        + " runNanos="
        + runNanos;
  }

  static Map<String, String> fields(String line) {
    final Map<String, String> fields = new HashMap<>();
    for (final String field : line.substring(TALLY.length()).trim().split(" ")) {
      final int equals = field.indexOf('=');
      if (equals > 0) {
        fields.put(field.substring(0, equals), field.substring(equals + 1));
      }
    }
    return fields;
  }

  static Abusers.Tally parseTally(Abusers.Shape shape, Map<String, String> fields)
      throws IOException {
    try {
      final Map<Integer, Long> statuses = new TreeMap<>();
      final String statusList = fields.getOrDefault("uploadStatuses", "");
      if (!statusList.isEmpty()) {
        for (final String pair : statusList.split(",")) {
          final String[] parts = pair.split(":");
          statuses.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
      }
      return new Abusers.Tally(
          shape,
          Long.parseLong(fields.get("connectsOpened")),
          Long.parseLong(fields.get("connectsFailed")),
          Long.parseLong(fields.get("slowlorisClosedByServer")),
          Long.parseLong(fields.get("stalledClosedByServer")),
          Long.parseLong(fields.get("uploadsSent")),
          statuses,
          Long.parseLong(fields.get("uploadErrors")));
    } catch (RuntimeException malformed) {
      throw new IOException("cannot read the abusers' tally: " + fields, malformed);
    }
  }

  /**
   * The abusers' JVM: {@code PORT SLOWLORIS UPLOADS UPLOAD_BYTES STALLED RUN_MILLIS}; prints {@link
   * #STARTED} once they are all started and {@link #TALLY} when they have stopped.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 6) {
      System.err.println(
          "usage: AbuserProcess PORT SLOWLORIS UPLOADS UPLOAD_BYTES STALLED RUN_MILLIS");
      System.exit(2);
    }
    final LoopbackEndpoint endpoint =
        new LoopbackEndpoint("coexist", Integer.parseInt(args[0]), List.of());
    final Abusers.Shape shape =
        new Abusers.Shape(
            Integer.parseInt(args[1]),
            Integer.parseInt(args[2]),
            Long.parseLong(args[3]),
            Integer.parseInt(args[4]));
    final long until = System.nanoTime() + Duration.ofMillis(Long.parseLong(args[5])).toNanos();
    final Abusers abusers = new Abusers(shape, endpoint, until);
    final long cpuAtStart = CpuClock.selfNanos();
    final long startedAt = System.nanoTime();
    abusers.start();
    System.out.println(STARTED);
    System.out.flush();
    final Abusers.Tally tally = abusers.stop();
    System.out.println(
        formatTally(tally, CpuClock.selfNanos() - cpuAtStart, System.nanoTime() - startedAt));
    System.out.flush();
    // the abusers' threads are virtual (daemon), but a socket left half-closed must not keep us
    System.exit(0);
  }
}
