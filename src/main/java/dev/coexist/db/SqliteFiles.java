package dev.coexist.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Prepares an SQLite database file before its connections are opened. */
final class SqliteFiles {
  /**
   * The page size of a new store file. An import writes every page its transaction changed to the
   * write-ahead log, a page at a time: with pages of 8 KB instead of SQLite's 4 KB an SQLite import
   * was a few per cent faster (docs/benchmarks-log.md). The journal's file keeps 4 KB: each group
   * commit of small deliveries writes a page or two, and a bigger page would only write more bytes.
   */
  static final int STORE_PAGE_BYTES = 8192;

  private SqliteFiles() {}

  /**
   * Creates the folder of the file; a file that does not exist yet is created with {@code
   * pageBytes} pages (0: SQLite's default). An existing file keeps its pages: in WAL mode they
   * cannot change.
   */
  static void prepare(final Path file, final int pageBytes) {
    final Path parent = file.getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException cannotCreate) {
      throw new IllegalStateException(
          "cannot create the data folder " + parent + ": " + cannotCreate.getMessage(),
          cannotCreate);
    }
    if (pageBytes == 0 || Files.exists(file)) {
      return;
    }
    // the page size must be set before the file becomes a WAL database: this connection creates it
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement setup = connection.createStatement()) {
      setup.execute("PRAGMA page_size = " + pageBytes);
      setup.execute("PRAGMA journal_mode = WAL");
    } catch (SQLException cannotCreate) {
      throw new IllegalStateException(
          "cannot create the database file " + file + ": " + cannotCreate.getMessage(),
          cannotCreate);
    }
  }
}
