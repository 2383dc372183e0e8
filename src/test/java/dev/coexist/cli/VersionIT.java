package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** coexist -V prints the version and the commit the build was made from, as git names it. */
class VersionIT {
  @Test
  void theVersionNamesTheCommitOfTheBuild() throws Exception {
    final Cli.Run version = Cli.run("-V");
    assertThat(version.exitCode()).isZero();
    final String commit = headCommit();
    assertThat(version.out().lines().findFirst().orElseThrow())
        .matches("coexist \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{12}(-dirty)?\\)")
        .contains("(commit " + commit);
    assertThat(version.out()).contains("Java " + Runtime.version());
    assertThat(Cli.run("--version").out()).isEqualTo(version.out());
  }

  /** The commit git names for the checkout the tests run in (the build's, in this same run). */
  private static String headCommit() throws Exception {
    final Process git =
        new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .start();
    final String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(git.exitValue()).as(out).isZero();
    return out.strip();
  }
}
