package dev.coexist.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import dev.coexist.testing.Engines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The problems a store kept before they were numbered in the order they were found (PostgreSQL V27,
 * SQLite V23) are numbered in the order they were listed in then, per entry, and page as before;
 * new ones page in the order they were found (JournalProblemsIT).
 */
class ProblemOrderIT {
  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void problemsKeptBeforeTheMigrationKeepTheirOrder(final Engine engine) throws Exception {
    final String url = Engines.url(engine, folder);
    schemaBefore(engine, url);
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement insert =
            connection.prepareStatement(
                """
                INSERT INTO journal_problems (journal_id, location, kind, message, item)
                VALUES (?, ?, 'decode', 'entry without a ''changes'' array', '{}')
                """)) {
      for (final String location : List.of("/entry/2", "/entry/10", "/entry/0", "/entry/1")) {
        insert.setLong(1, 7);
        insert.setString(2, location);
        insert.executeUpdate();
      }
      insert.setLong(1, 8);
      insert.setString(2, "/entry/5");
      insert.executeUpdate();
    }

    try (Storage storage = Storage.open(url, Duration.ofSeconds(5), 2)) {
      final ProblemQueries problems = new ProblemQueries(storage.store());
      final List<String> paged = new ArrayList<>();
      Page<ProblemView, Integer> page = problems.page(7, ProblemQueries.FIRST, 3);
      paged.addAll(page.items().stream().map(ProblemView::location).toList());
      assertThat(page.next()).isEqualTo(2);
      page = problems.page(7, page.next(), 3);
      paged.addAll(page.items().stream().map(ProblemView::location).toList());
      assertThat(page.next()).isNull();
      // as the store listed them before: their locations as text
      assertThat(paged).containsExactly("/entry/0", "/entry/1", "/entry/10", "/entry/2");
      assertThat(problems.all(8)).extracting(ProblemView::ordinal).containsExactly(0);
    }
  }

  // the store's schema as the release before the numbering left it
  private static void schemaBefore(final Engine engine, final String url) throws SQLException {
    final var flyway = Flyway.configure().dataSource(url, null, null);
    if (engine == Engine.SQLITE) {
      final Path storeFile = Path.of(url.substring("jdbc:sqlite:".length()));
      final Path journalFile = Storage.journalFileOf(storeFile);
      Database.openSqliteJournal(journalFile, Duration.ofSeconds(5), 1).close();
      flyway
          .initSql("ATTACH DATABASE '" + journalFile + "' AS " + Database.JOURNAL_SCHEMA)
          .locations("classpath:db/migration/sqlite")
          .target("22");
    } else {
      flyway.locations("classpath:db/migration/postgresql").target("26");
    }
    flyway.load().migrate();
  }
}
