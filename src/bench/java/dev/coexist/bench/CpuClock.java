package dev.coexist.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU time counters, read at the start and end of a measured window to tell whether the client, the
 * server, or the machine was the limit.
 */
final class CpuClock {

  private static final Path PROC_STAT = Path.of("/proc/stat");

  private CpuClock() {}

  /** CPU time of this JVM (the load generator, plus the built-in ceiling server when used). */
  static long selfNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** CPU time of a process and all its descendants (nginx workers), if the OS tells. */
  static Supplier<OptionalLong> ofProcessTree(ProcessHandle root) {
    return () -> {
      long total = 0;
      boolean known = false;
      for (final ProcessHandle handle :
          Stream.concat(Stream.of(root), root.descendants()).toList()) {
        final var cpu = handle.info().totalCpuDuration();
        if (cpu.isPresent()) {
          total += cpu.get().toNanos();
          known = true;
        }
      }
      return known ? OptionalLong.of(total) : OptionalLong.empty();
    };
  }

  /** Machine-wide busy and total jiffies from the first line of {@code /proc/stat}. */
  record MachineTicks(long busy, long total) {

    static MachineTicks read() {
      try {
        final List<String> lines = Files.readAllLines(PROC_STAT);
        final String[] fields = lines.get(0).trim().split("\\s+");
        long total = 0;
        long idle = 0;
        // cpu user nice system idle iowait irq softirq steal [guest guest_nice: already in user]
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
          final long value = Long.parseLong(fields[i]);
          total += value;
          if (i == 4 || i == 5) {
            idle += value;
          }
        }
        return new MachineTicks(total - idle, total);
      } catch (IOException | RuntimeException e) {
        return new MachineTicks(0, 0);
      }
    }

    /** Busy fraction between two readings, or -1 when unknown. */
    double busySince(MachineTicks earlier) {
      final long total = this.total - earlier.total;
      return total <= 0 ? -1 : (double) (busy - earlier.busy) / total;
    }
  }
}
