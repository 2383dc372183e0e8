package dev.coexist.apply;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.store.StoreReads;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The processor's writer connection with its prepared statements, opened when first needed and
 * discarded after a failure, so that the next transaction starts on a fresh one. Used by one thread
 * at a time (the processor's applying lock).
 */
final class ApplySession {
  private final Database database;
  private final Dialect dialect;
  private final StoreReads reads;
  private WriteSession session;

  private final List<String> setupStatements;

  /**
   * @param historyStallAfter as the API is configured: a change's history sync shows what the API
   *     would answer at that moment
   * @param lease on PostgreSQL also the longest the session may sit idle inside a transaction, and
   *     the longest a statement may take: the server ends a frozen node's transaction, and what it
   *     locked is free for the node that takes the lane over
   */
  ApplySession(final Database database, final Duration historyStallAfter, final Duration lease) {
    this.database = database;
    this.dialect = Dialect.of(database.engine());
    this.reads = new StoreReads(database.engine(), Clock.systemUTC(), historyStallAfter);
    final List<String> statements = new ArrayList<>(dialect.writerSetup);
    if (database.engine() == Engine.POSTGRESQL) {
      // A node frozen inside a transaction holds what it locked: the change-order lock, a lane's
      // row. Idle between two statements, the server ends its session after a lease; frozen in
      // the middle of sending one (the server waits for the rest of it, the session still
      // active), after the statement timeout: also a lease, not the minute it was, for which
      // every node's apply waited on the change-order lock (ClusterChaosIT).
      statements.add("SET idle_in_transaction_session_timeout = " + lease.toMillis());
      statements.add("SET statement_timeout = " + lease.toMillis());
    }
    this.setupStatements = List.copyOf(statements);
  }

  WriteSession get() throws SQLException {
    if (session == null) {
      final WriteSession opened = new WriteSession(database.openWriterConnection(), dialect, reads);
      try {
        // outside a transaction: SQLite refuses to change synchronous inside one
        opened.connection().setAutoCommit(true);
        try (Statement setup = opened.connection().createStatement()) {
          for (final String statement : setupStatements) {
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
