package dev.coexist.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Whether a database already holds a Coexist store, asked before it is opened by a command that
 * only reads or replays one: opening creates what is missing (an SQLite file, PostgreSQL's tables),
 * so a mistyped {@code --data-dir} would otherwise give an empty store and an answer about nothing.
 */
public final class ExistingStore {
  private static final String JOURNAL_TABLE = "SELECT to_regclass('journal') IS NOT NULL";

  private ExistingStore() {}

  /**
   * Empty when {@code jdbcUrl} names a store that exists; else what is there instead, e.g. {@code
   * no coexist.db in /srv/data}.
   *
   * @throws SQLException when PostgreSQL cannot be asked
   */
  public static Optional<String> missing(final String jdbcUrl) throws SQLException {
    if (Engine.of(jdbcUrl) == Engine.SQLITE) {
      final Path file = Database.sqliteFile(jdbcUrl);
      if (file == null) {
        return Optional.of("an in-memory SQLite database holds no store");
      }
      if (!Files.isRegularFile(file)) {
        return Optional.of("no " + file.getFileName() + " in " + file.getParent());
      }
      return Optional.empty();
    }
    final Properties properties = new Properties();
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("ApplicationName", "coexist-cli");
    try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
        PreparedStatement journal = connection.prepareStatement(JOURNAL_TABLE);
        ResultSet row = journal.executeQuery()) {
      return row.next() && row.getBoolean(1)
          ? Optional.empty()
          : Optional.of(Database.redacted(jdbcUrl) + " has no Coexist tables");
    }
  }
}
