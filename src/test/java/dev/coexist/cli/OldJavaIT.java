package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar target/coexist.jar} on a Java older than 21 (a machine's default is often 17)
 * says which Java Coexist needs, in one line, and exits 1, instead of an
 * UnsupportedClassVersionError.
 */
class OldJavaIT {
  private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

  @Test
  void anOlderJavaIsToldWhichJavaCoexistNeeds() throws Exception {
    final Optional<Path> old = olderJava();
    assumeTrue(old.isPresent(), "no JDK older than 21 under /usr/lib/jvm to try");
    final Process run =
        new ProcessBuilder(old.get().toString(), "-jar", "target/coexist.jar", "-V")
            .redirectErrorStream(true)
            .start();
    final String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(out).isEqualTo(1);
    assertThat(out.strip().lines().toList())
        .singleElement()
        .asString()
        .startsWith("coexist: needs Java 21 or newer, this is Java ")
        .contains("./coexist")
        .doesNotContain("UnsupportedClassVersionError");
  }

  /** The bin/java of a JDK under /usr/lib/jvm whose release file names a version before 21. */
  private static Optional<Path> olderJava() throws IOException {
    final Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      for (final Path home : homes.sorted().toList()) {
        final Path release = home.resolve("release");
        final Path java = home.resolve("bin/java");
        if (!Files.isRegularFile(release) || !Files.isExecutable(java)) {
          continue;
        }
        final List<String> lines = Files.readAllLines(release);
        for (final String line : lines) {
          final Matcher version = VERSION.matcher(line);
          if (version.find() && Integer.parseInt(version.group(1)) < 21) {
            return Optional.of(java);
          }
        }
      }
    }
    return Optional.empty();
  }
}
