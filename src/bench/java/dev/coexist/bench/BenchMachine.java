package dev.coexist.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What a benchmark report says about where it ran: machine, JVM and the commit measured. */
final class BenchMachine {

  /** {@code git} answers in milliseconds; a hung one must not hold up the benchmark. */
  private static final long GIT_TIMEOUT_SECONDS = 5;

  private BenchMachine() {}

  /**
   * e.g. {@code 2 cores (AMD EPYC 7B13), 23.4 GiB memory; Java 21.0.5 (OpenJDK 64-Bit Server VM)}
   */
  static String describe() {
    final String model = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    final String memory =
        firstValue(Path.of("/proc/meminfo"), "MemTotal")
            .map(kib -> kib.replace("kB", "").trim())
            .map(
                kib ->
                    String.format(
                        Locale.ROOT, "%.1f GiB memory", Long.parseLong(kib) / 1024.0 / 1024.0))
            .orElse("memory unknown");
    return Runtime.getRuntime().availableProcessors()
        + " cores ("
        + model
        + "), "
        + memory
        + "; Java "
        + System.getProperty("java.version")
        + " ("
        + System.getProperty("java.vm.name")
        + ")";
  }

  /** {@code git rev-parse --short HEAD} in the working directory, marked when files changed. */
  static String commit() {
    final Optional<String> head = git("rev-parse", "--short", "HEAD");
    if (head.isEmpty() || head.get().isBlank()) {
      return "unknown (not run from a git checkout)";
    }
    final boolean changed =
        git("status", "--porcelain", "--untracked-files=no").map(s -> !s.isBlank()).orElse(false);
    return head.get().trim() + (changed ? " with uncommitted changes" : "");
  }

  private static Optional<String> git(final String... arguments) {
    final String[] command = new String[arguments.length + 1];
    command[0] = "git";
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    try {
      final Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      // waited for first, so that a hung git cannot block the read; its output is a few bytes
      if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      final byte[] output = process.getInputStream().readAllBytes();
      return process.exitValue() == 0
          ? Optional.of(new String(output, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException noGit) {
      return Optional.empty();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<String> firstValue(final Path file, final String key) {
    try {
      for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        final int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
          return Optional.of(line.substring(colon + 1).trim());
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // not Linux, or not readable: the report says unknown
    }
    return Optional.empty();
  }
}
