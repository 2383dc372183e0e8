package dev.coexist.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The pictures the README shows, under docs/ in the source tree. They are taken again only when
 * asked with {@code -Ddocs.screenshots=true}: their times and data change at every run, so a copy
 * on every run would leave the tracked files modified after each test. Every screenshot also stays
 * in target/screenshots for the test report ({@link Browser#screenshot}).
 */
final class DocsScreenshots {
  static final String PROPERTY = "docs.screenshots";
  static final Path FOLDER = Path.of("docs", "screenshots");

  private DocsScreenshots() {}

  static boolean wanted() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** Copies {@code screenshot} to docs/screenshots/NAME.png when asked to. */
  static void copy(final Path screenshot, final String name) {
    copyTo(screenshot, FOLDER.resolve(name + ".png"));
  }

  /** Copies {@code screenshot} to {@code target} (a path under docs/) when asked to. */
  static void copyTo(final Path screenshot, final Path target) {
    if (!wanted()) {
      return;
    }
    try {
      Files.createDirectories(target.getParent());
      Files.copy(screenshot, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
