package dev.coexist.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux's autogroup setting, printed with the live figures. With it on (Debian's default), the
 * embedded PostgreSQL (its own session, started by {@code pg_ctl}) and this JVM are two scheduling
 * groups that share the cores as groups: on two cores a PostgreSQL backend woken for a small query
 * can wait up to about 200 ms behind the JVM's busy threads, which lifts PostgreSQL's live tail
 * (see BENCHMARKS.md). SQLite runs inside the JVM and is not affected.
 */
final class Autogroup {
  private static final Path SETTING = Path.of("/proc/sys/kernel/sched_autogroup_enabled");

  private Autogroup() {}

  /** "on", "off", or "unknown" where the setting cannot be read (not Linux, no such kernel). */
  static String setting() {
    try {
      return switch (Files.readString(SETTING).trim()) {
        case "1" -> "on";
        case "0" -> "off";
        default -> "unknown";
      };
    } catch (IOException | SecurityException unreadable) {
      return "unknown";
    }
  }
}
