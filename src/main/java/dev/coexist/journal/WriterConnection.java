package dev.coexist.journal;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The journal writer's own connection, with its statements prepared once, opened when first needed
 * and after a failure discarded, so that the next write starts on a fresh one.
 */
final class WriterConnection {
  // Written only to prove the database takes writes again after it refused them.
  private static final String PROBE = "UPDATE write_probe SET probed_at = ? WHERE id = 1";

  private final Database database;
  private Connection connection;
  private JournalInserts inserts;

  WriterConnection(final Database database) {
    this.database = database;
  }

  /** The open connection (opened now if need be), in a transaction of its own. */
  Connection connection() throws SQLException {
    if (connection == null) {
      final Connection opened = database.openWriterConnection();
      try {
        if (database.engine() == Engine.POSTGRESQL) {
          bounded(opened);
        }
        inserts = JournalInserts.prepare(opened, database.engine() == Engine.POSTGRESQL);
      } catch (SQLException cannotPrepare) {
        opened.close();
        throw cannotPrepare;
      }
      connection = opened;
    }
    return connection;
  }

  /**
   * Every node's journal writer takes its turn to commit under one lock (JournalInserts): a node
   * frozen while it holds it would stop every node's acknowledgements. Idle inside a transaction,
   * or in the middle of sending a statement, its session is ended by the server after 5 s; a batch
   * takes milliseconds, and a delivery is answered 503 after {@code --ack-timeout} (4 s by default)
   * anyway.
   */
  private static void bounded(final Connection connection) throws SQLException {
    try (Statement setup = connection.createStatement()) {
      setup.execute("SET idle_in_transaction_session_timeout = '5s'");
      setup.execute("SET statement_timeout = '5s'");
    }
    connection.commit(); // a SET inside a transaction lasts only if it commits
  }

  /** The statements of {@link #connection()}; call that first. */
  JournalInserts inserts() {
    return inserts;
  }

  /** Writes and commits the probe row: returns only when the database takes writes. */
  void probe() throws SQLException {
    final Connection writer = connection();
    try (PreparedStatement probe = writer.prepareStatement(PROBE)) {
      probe.setLong(1, System.currentTimeMillis());
      probe.executeUpdate();
    }
    writer.commit();
  }

  /** Rolls back and closes the connection after a failure; the next use opens a new one. */
  void discard() {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is closed next; its transaction dies with it
    }
    close();
  }

  void close() {
    if (connection != null) {
      try {
        // closing the connection closes its statements too
        connection.close();
      } catch (SQLException ignored) {
        // nothing more can be done with a connection that does not close
      }
      connection = null;
      inserts = null;
    }
  }
}
