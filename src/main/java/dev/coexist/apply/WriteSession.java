package dev.coexist.apply;

import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.store.Statements;
import dev.coexist.store.StoreReads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The processor's writer connection with its prepared statements, kept for the life of the
 * connection so that a history chunk of thousands of rows costs binds, not parses. It also holds
 * what the current transaction touched (threads to refresh) and lookups that stay true once
 * committed (identity to customer), dropped whenever anything is rolled back.
 */
final class WriteSession implements AutoCloseable, Statements {
  private static final int CACHE_MAX = 200_000;

  private final Connection connection;
  private final Dialect dialect;
  private final StoreReads reads;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Map<String, Long> customers = new HashMap<>();
  private final Set<Long> knownThreads = new java.util.HashSet<>();
  // per customer, a profile name and time its stored one is at least as new as (see
  // Customers.profileName)
  private final Map<Long, Customers.ProfileName> profileNames = new HashMap<>();
  private final Set<Long> touchedThreads = new LinkedHashSet<>();
  // the business numbers seen by the transaction, written once before it commits; null: written
  // at once (see NumberWriter.numbers)
  private Map<String, NumberWriter.Sighting> gatheredNumbers;
  // the live messages held to be inserted together; null: each written at once (see
  // HeldMessages)
  private HeldMessages heldMessages;
  // PostgreSQL: the statuses held to be kept together, while messages are held; null: each
  // written at once (see HeldStatuses)
  private HeldStatuses heldStatuses;

  WriteSession(final Connection connection, final Dialect dialect, final StoreReads reads) {
    this.connection = connection;
    this.dialect = dialect;
    this.reads = reads;
  }

  Connection connection() {
    return connection;
  }

  Dialect dialect() {
    return dialect;
  }

  /**
   * The store's resources as this transaction sees them, read with this session's statements: what
   * a change shows is read where it is written.
   */
  StoreReads reads() {
    return reads;
  }

  /** The statement for this SQL, prepared once per connection. */
  @Override
  public PreparedStatement prepare(final String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /**
   * Starts an apply transaction for the entries of some lanes (lane to the epoch this node holds it
   * with) with its first statement: the positions of those still held by {@code owner} with their
   * epoch (see {@link LaneLeases}), the transaction's now; the others are not.
   */
  Map<Integer, Long> takeLanes(final Map<Integer, Long> epochs, final String owner)
      throws SQLException {
    final PreparedStatement take = prepare(dialect.takeLanes);
    final Map<Integer, Long> positions = new TreeMap<>();
    if (dialect.lanesAsArrays()) {
      take.setString(1, SqlArrays.of(epochs.keySet()));
      take.setString(2, SqlArrays.of(epochs.values()));
      take.setString(3, owner);
      taken(take, positions);
      return positions;
    }
    for (final Map.Entry<Integer, Long> lane : epochs.entrySet()) {
      take.setLong(1, System.currentTimeMillis());
      take.setInt(2, lane.getKey());
      take.setString(3, owner);
      take.setLong(4, lane.getValue());
      taken(take, positions);
    }
    return positions;
  }

  private static void taken(final PreparedStatement take, final Map<Integer, Long> positions)
      throws SQLException {
    try (ResultSet rows = take.executeQuery()) {
      while (rows.next()) {
        positions.put(rows.getInt(1), rows.getLong(2));
      }
    }
  }

  /** Starts a transaction that writes rows of no particular lane (see Dialect.beginWrite). */
  void beginWrite() throws SQLException {
    if (dialect.beginWrite != null) {
      final PreparedStatement begin = prepare(dialect.beginWrite);
      begin.setLong(1, System.currentTimeMillis());
      begin.executeUpdate();
    }
  }

  Savepoint savepoint() throws SQLException {
    if (gatheredNumbers != null || heldMessages != null || heldStatuses != null) {
      throw new IllegalStateException(
          "a savepoint while numbers are gathered or messages or statuses held");
    }
    return connection.setSavepoint();
  }

  void release(final Savepoint savepoint) throws SQLException {
    connection.releaseSavepoint(savepoint);
  }

  /** Undoes the work since the savepoint; whatever was cached since may not exist any more. */
  void rollbackTo(final Savepoint savepoint) throws SQLException {
    forget();
    connection.rollback(savepoint);
  }

  void commit() throws SQLException {
    if (gatheredNumbers != null && !gatheredNumbers.isEmpty()) {
      throw new IllegalStateException("numbers gathered but not written: " + gatheredNumbers);
    }
    if (heldMessages != null && !heldMessages.isEmpty()) {
      throw new IllegalStateException("messages held but not written");
    }
    if (heldStatuses != null && !heldStatuses.isEmpty()) {
      throw new IllegalStateException("statuses held but not written");
    }
    gatheredNumbers = null;
    heldMessages = null;
    heldStatuses = null;
    connection.commit();
    touchedThreads.clear();
    if (customers.size() > CACHE_MAX) {
      customers.clear();
      knownThreads.clear();
      profileNames.clear();
    }
  }

  void rollback() throws SQLException {
    forget();
    gatheredNumbers = null;
    heldMessages = null;
    heldStatuses = null;
    touchedThreads.clear();
    connection.rollback();
  }

  Long cachedCustomer(final String identityKey) {
    return customers.get(identityKey);
  }

  void cacheCustomer(final String identityKey, final long customerId) {
    customers.put(identityKey, customerId);
  }

  Customers.ProfileName profileNameFloor(final long customer) {
    return profileNames.get(customer);
  }

  void profileNameFloor(final long customer, final Customers.ProfileName floor) {
    profileNames.put(customer, floor);
  }

  boolean threadKnown(final long threadId) {
    return knownThreads.contains(threadId);
  }

  void threadExists(final long threadId) {
    knownThreads.add(threadId);
  }

  /** A thread whose aggregates must be recomputed before the transaction commits. */
  void touch(final long threadId) {
    touchedThreads.add(threadId);
  }

  Set<Long> touchedThreads() {
    return touchedThreads;
  }

  /**
   * From now until the transaction ends, numbers are gathered and written by {@link
   * NumberWriter#flush} rather than at once. Only for a transaction without savepoints: a rollback
   * to one would not take back what was gathered since.
   */
  void gatherNumbers() {
    gatheredNumbers = new HashMap<>();
  }

  Map<String, NumberWriter.Sighting> gatheredNumbers() {
    return gatheredNumbers;
  }

  /**
   * From now until {@link #endHolding}, live messages are held and inserted together, and on
   * PostgreSQL statuses kept together. Only for a transaction without savepoints: a rollback to one
   * would not take back what was held.
   */
  void holdMessages() {
    heldMessages = new HeldMessages();
    if (dialect.keepStatus != null) {
      heldStatuses = new HeldStatuses();
    }
  }

  /** The messages held now; null when messages are written at once. */
  HeldMessages heldMessages() {
    return heldMessages;
  }

  /** The statuses held now; null when statuses are written at once. */
  HeldStatuses heldStatuses() {
    return heldStatuses;
  }

  /** Whether {@code event} may be applied before what is held is written. */
  boolean mayPassHeld(final CoexistenceEvent event) {
    return (heldMessages == null || heldMessages.mayPass(event))
        && (heldStatuses == null || heldStatuses.mayPass(event));
  }

  /**
   * Writes the held messages, then the held statuses (no status is held for a held message, see
   * HeldStatuses); holding goes on.
   */
  void writeHeld() throws SQLException {
    if (heldMessages != null) {
      heldMessages.write(this);
    }
    if (heldStatuses != null) {
      heldStatuses.write(this);
    }
  }

  /** Writes what is held; from now on messages and statuses are written at once. */
  void endHolding() throws SQLException {
    writeHeld();
    heldMessages = null;
    heldStatuses = null;
  }

  private void forget() {
    customers.clear();
    knownThreads.clear();
    profileNames.clear();
  }

  @Override
  public void close() {
    for (final PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // the connection is closed next, which frees its statements anyway
      }
    }
    statements.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing more can be done with a connection that does not close
    }
  }
}
