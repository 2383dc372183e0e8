package dev.coexist.changes;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A write transaction on a pooled connection, in the database's write turn (SQLite). */
final class Transactions {
  private Transactions() {}

  /** The statements of one transaction. */
  @FunctionalInterface
  interface Work {
    void run(Connection connection) throws SQLException;
  }

  static void run(final Database database, final Work work) throws SQLException {
    try (Connection connection = database.pool().getConnection()) {
      if (database.engine() == Engine.SQLITE) {
        // the store's own durability, as the processor writes it (its file is WAL): a power cut
        // may take the last transactions, never leave one half done. What is written here (a
        // delivery's outcome, retention) is at least once anyway; FULL cost a disk sync per
        // commit
        try (Statement pragma = connection.createStatement()) {
          pragma.execute("PRAGMA synchronous = NORMAL");
        }
      }
      database.beginWriteTurn(false);
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException failed) {
        connection.rollback();
        throw failed;
      } finally {
        connection.setAutoCommit(true);
        database.endWriteTurn();
      }
    }
  }
}
