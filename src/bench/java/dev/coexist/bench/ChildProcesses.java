package dev.coexist.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the processes the benchmark started: politely (SIGTERM, then a grace period), then by
 * force, children first. A JVM shutdown hook does the same for whatever is still running when the
 * benchmark is interrupted, so no server or nginx outlives it.
 */
final class ChildProcesses {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(process -> stop(process, 5)), "bench-child-reaper"));
  }

  private ChildProcesses() {}

  static Process start(ProcessBuilder builder) throws java.io.IOException {
    final Process process = builder.start();
    RUNNING.add(process);
    return process;
  }

  /**
   * Sends SIGTERM, waits up to {@code graceSeconds}, then kills the process and its descendants.
   */
  static void stop(Process process, long graceSeconds) {
    try {
      if (process.isAlive()) {
        // remember the tree before the parent goes: orphans would be reparented and lost
        final var tree = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
          LOG.warn("process {} ignored SIGTERM for {} s; killing it", process.pid(), graceSeconds);
          Stream.concat(tree.stream(), Stream.of(process.toHandle()))
              .forEach(ProcessHandle::destroyForcibly);
          process.waitFor(graceSeconds, TimeUnit.SECONDS);
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    } finally {
      RUNNING.remove(process);
    }
  }
}
