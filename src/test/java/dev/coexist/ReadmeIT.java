package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README stays true: every configuration key is listed with its variable and default. */
class ReadmeIT {
  @Test
  void everyConfigKeyIsDocumentedWithItsDefault() throws Exception {
    final String readme = Files.readString(Path.of("README.md"));
    for (final ConfigKey key : ConfigKey.values()) {
      final String defaultCell =
          key.defaultValue().isEmpty() ? "—" : "`" + key.defaultValue() + "`";
      assertThat(readme)
          .as("README row of %s", key.option())
          .contains(
              "| `"
                  + key.option()
                  + "` | `"
                  + key.environmentVariable()
                  + "` | "
                  + defaultCell
                  + " | "
                  + key.description()
                  + " |");
    }
  }

  @Test
  void theFirstScreenHoldsTheTwoCommandsThatCiRuns() throws Exception {
    final String readme = Files.readString(Path.of("README.md"));
    final String firstScreen = readme.substring(0, Math.min(readme.length(), 1_200));
    assertThat(firstScreen).contains("./coexist serve").contains("./run-tests");
    assertThat(Files.readString(Path.of(".ci/run"))).contains("\n./run-tests\n");
  }
}
