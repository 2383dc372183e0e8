package dev.coexist.apply;

import dev.coexist.db.Database;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The processor's writer connection with its prepared statements, opened when first needed and
 * discarded after a failure, so that the next transaction starts on a fresh one. Used by one thread
 * at a time (the processor's applying lock).
 */
final class ApplySession {
  private final Database database;
  private final Dialect dialect;
  private WriteSession session;

  ApplySession(final Database database) {
    this.database = database;
    this.dialect = Dialect.of(database.engine());
  }

  WriteSession get() throws SQLException {
    if (session == null) {
      final WriteSession opened = new WriteSession(database.openWriterConnection(), dialect);
      try {
        // outside a transaction: SQLite refuses to change synchronous inside one
        opened.connection().setAutoCommit(true);
        try (Statement setup = opened.connection().createStatement()) {
          for (final String statement : dialect.writerSetup) {
            setup.execute(statement);
          }
        }
        opened.connection().setAutoCommit(false);
      } catch (SQLException failed) {
        opened.close();
        throw failed;
      }
      session = opened;
    }
    return session;
  }

  /** Rolls back whatever is open and closes the connection; the next get() opens a new one. */
  void discard() {
    if (session != null) {
      try {
        session.connection().rollback();
      } catch (SQLException ignored) {
        // the connection is closed next; its transaction dies with it
      }
      session.close();
      session = null;
    }
  }
}
