package dev.coexist.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new SQLite store file gets pages of 8 KB in WAL mode, the journal's file SQLite's 4 KB; a store
 * file that exists keeps its pages (a data dir of an earlier release) and opens as before.
 */
class SqliteFilesIT {
  @TempDir Path folder;

  @Test
  void aNewStoreHasEightKilobytePagesAndItsJournalFour() throws Exception {
    final Path store = folder.resolve("data").resolve("coexist.db");
    try (Storage storage = Storage.open("jdbc:sqlite:" + store, Duration.ofSeconds(5), 2)) {
      assertThat(pragma(storage.store(), "page_size")).isEqualTo("8192");
      assertThat(pragma(storage.store(), "journal_mode")).isEqualTo("wal");
      assertThat(pragma(storage.journal(), "page_size")).isEqualTo("4096");
    }
    // opened again: the same file, the same pages
    try (Storage storage = Storage.open("jdbc:sqlite:" + store, Duration.ofSeconds(5), 2)) {
      assertThat(pragma(storage.store(), "page_size")).isEqualTo("8192");
    }
  }

  @Test
  void anExistingStoreKeepsItsPages() throws Exception {
    final Path store = folder.resolve("coexist.db");
    // a file made before (by an earlier release, with SQLite's 4 KB pages)
    try (Connection earlier = DriverManager.getConnection("jdbc:sqlite:" + store);
        Statement statement = earlier.createStatement()) {
      statement.execute("PRAGMA journal_mode = WAL");
    }
    try (Storage storage = Storage.open("jdbc:sqlite:" + store, Duration.ofSeconds(5), 2)) {
      assertThat(pragma(storage.store(), "page_size")).isEqualTo("4096");
      try (Connection connection = storage.store().pool().getConnection();
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*) FROM messages")) {
        rows.next();
        assertThat(rows.getInt(1)).isZero();
      }
    }
  }

  private static String pragma(final Database database, final String name) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA main." + name)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
