package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.testing.CoexistProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coexist serve as its own process: what it prints at start. No line of Helidon's about a missing
 * logging implementation, and where the generated API key is kept (not the key itself), made at the
 * first start and the same file at the next.
 */
class ServeProcessIT {
  @TempDir Path folder;

  @Test
  void theStartSaysWhereTheKeyIsAndNothingAboutHelidonsLogging() throws Exception {
    final Path data = folder.resolve("data");
    final Path keyFile = data.resolve("api-key").toAbsolutePath();

    final String first = start("first", data);
    assertThat(first)
        .contains("the read API and the inbox take the key kept in " + keyFile + " (made now")
        .doesNotContain(Files.readString(keyFile).strip())
        .doesNotContainIgnoringCase("no Helidon logging implementation");

    final String second = start("second", data);
    assertThat(second)
        .contains("take the key kept in " + keyFile + " (made at an earlier start")
        .doesNotContainIgnoringCase("no Helidon logging implementation");
  }

  /** Starts serve until it is ready, stops it, and returns what it printed on both streams. */
  private String start(final String name, final Path data) throws Exception {
    final int port = CoexistProcess.freePort();
    final CoexistProcess process =
        CoexistProcess.start(
            folder.resolve(name), 0, "--port", String.valueOf(port), "--data-dir", data.toString());
    try {
      process.awaitReady(port);
    } finally {
      process.close();
    }
    return process.stdoutText() + process.stderrText();
  }
}
