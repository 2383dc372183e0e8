package dev.coexist.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporary folders for data directories and nginx configs, and their removal. */
final class TempDirs {

  private static final Logger LOG = LoggerFactory.getLogger(TempDirs.class);

  private TempDirs() {}

  static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  /** Total size of the regular files below {@code dir}, in bytes. */
  static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(TempDirs::deleteOne);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  private static void deleteOne(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of a log, for an error message. */
  static String tail(Path log, int lines) {
    try (Stream<String> all = Files.lines(log)) {
      final var list = all.toList();
      return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }
}
