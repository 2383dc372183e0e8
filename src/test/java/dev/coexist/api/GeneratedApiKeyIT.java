package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a configured key Coexist makes one at its first start, keeps it in the data dir readable
 * by its owner only, and takes the same one at every later start; a configured key wins.
 */
class GeneratedApiKeyIT {
  @TempDir Path dataDir;

  @Test
  void theGeneratedKeyIsKeptInTheDataDirAndTakenAgainAtTheNextStart() throws Exception {
    final String first;
    try (RunningApp coexist = RunningApp.start(dataDir, Map.of())) {
      assertThat(coexist.app().apiKeys()).hasSize(1);
      first = coexist.app().apiKeys().get(0);
      assertThat(first).hasSizeGreaterThanOrEqualTo(32);
      assertThat(status(coexist, first)).isEqualTo(200);
    }
    final Path file = dataDir.resolve("api-key");
    assertThat(Files.readString(file).strip()).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.list(dataDir).map(path -> path.getFileName().toString()))
        .as("no temporary file left behind")
        .noneMatch(name -> name.endsWith(".tmp"));

    try (RunningApp again = RunningApp.start(dataDir, Map.of())) {
      assertThat(again.app().apiKeys()).containsExactly(first);
      assertThat(status(again, first)).as("the tab opened before the restart").isEqualTo(200);
    }
  }

  @Test
  void aConfiguredKeyWins() throws Exception {
    Files.createDirectories(dataDir);
    Files.writeString(dataDir.resolve("api-key"), "kept-from-before\n");
    try (RunningApp coexist = RunningApp.start(dataDir, Map.of(ConfigKey.API_KEY, "given"))) {
      assertThat(coexist.app().apiKeys()).isEqualTo(List.of("given"));
      assertThat(status(coexist, "given")).isEqualTo(200);
      assertThat(status(coexist, "kept-from-before")).isEqualTo(401);
    }
    assertThat(Files.readString(dataDir.resolve("api-key"))).isEqualTo("kept-from-before\n");
  }

  @Test
  void aKeptFileIsTakenAsItIs() throws Exception {
    Files.createDirectories(dataDir);
    Files.writeString(dataDir.resolve("api-key"), "  chosen-by-the-operator \n");
    try (RunningApp coexist = RunningApp.start(dataDir, Map.of())) {
      assertThat(coexist.app().apiKeys()).containsExactly("chosen-by-the-operator");
    }
  }

  private static int status(final RunningApp coexist, final String key) throws Exception {
    return coexist.get("/api/v1/numbers", "Authorization", "Bearer " + key).statusCode();
  }
}
