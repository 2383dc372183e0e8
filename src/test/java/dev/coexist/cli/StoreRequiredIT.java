package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The commands that read a store refuse a folder or database without one, in one line naming the
 * option to give, with exit status 2, and leave nothing behind: no empty store in the wrong place.
 */
class StoreRequiredIT {
  @TempDir Path folder;

  static Stream<List<String>> readers() {
    return Stream.of(
        List.of("replay", "42"),
        List.of("replay", "--failed"),
        List.of("export", "--number", "106540352242922"),
        List.of("journal", "export"),
        List.of("subscriptions", "list"),
        List.of("subscriptions", "add", "--url", "https://203.0.113.10/hooks"));
  }

  @ParameterizedTest
  @MethodSource("readers")
  void aDataDirWithoutAStoreIsRefusedAndLeftAlone(final List<String> command) throws Exception {
    final Path data = folder.resolve("dta");
    final Cli.Run run = Cli.run(with(command, "--data-dir", data.toString()));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().strip())
        .as("one line")
        .doesNotContain("\n")
        .startsWith("coexist " + command.get(0))
        .contains("no Coexist store here (no coexist.db in " + data.toAbsolutePath() + ")")
        .endsWith("give the folder coexist serve uses with --data-dir DIR (or --database)");
    assertThat(run.out()).isEmpty();
    assertThat(data).doesNotExist();
  }

  @Test
  void aDatabaseFileThatIsNotThereNamesDatabase() {
    final Path file = folder.resolve("elsewhere").resolve("coexist.db");
    final Cli.Run run = Cli.run("replay", "--failed", "--database", "sqlite:" + file);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "coexist replay: no Coexist store here (no coexist.db in "
                + file.getParent()
                + "); give the store coexist serve uses with --database");
    assertThat(file.getParent()).doesNotExist();
  }

  @Test
  void aPostgresqlDatabaseWithoutTheTablesIsRefusedAndLeftEmpty() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final Cli.Run run = Cli.run("journal", "export", "--database", url);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("has no Coexist tables").contains("--database");
    try (Connection connection = DriverManager.getConnection(url);
        ResultSet tables =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
      tables.next();
      assertThat(tables.getInt(1)).as("tables made").isZero();
    }
  }

  @Test
  void importStillMakesTheStoreItFeeds() throws Exception {
    final Path data = folder.resolve("fresh");
    final Path lines = Files.writeString(folder.resolve("empty.jsonl"), "");
    final Cli.Run run = Cli.run("import", lines.toString(), "--data-dir", data.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(data.resolve("coexist.db")).exists();
    assertThat(Cli.run("journal", "export", "--data-dir", data.toString()).exitCode()).isZero();
  }

  private static String[] with(final List<String> command, final String... more) {
    return Stream.concat(command.stream(), Stream.of(more)).toArray(String[]::new);
  }
}
