package dev.coexist.changes;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.SQLException;

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
