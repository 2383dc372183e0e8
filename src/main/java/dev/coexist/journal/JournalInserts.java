package dev.coexist.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The journal writer's statements on one connection, prepared once: preparing them again for every
 * batch cost 7 % of the writer's time. Closing the connection closes them.
 */
final class JournalInserts {
  private static final String INSERT_ENTRY =
      """
      INSERT INTO journal (received_at, route, headers, body, body_sha256, event_id, state, error, updated_at,
                           lane)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO NOTHING
      RETURNING id
      """;

  // Runs only when INSERT_ENTRY hit one of the unique keys: the delivery was journalled before.
  private static final String INSERT_DUPLICATE =
      """
      INSERT INTO journal (received_at, route, headers, body, body_sha256, event_id, state, updated_at, duplicate_of)
      VALUES (?, ?, ?, ?, ?, ?, 'duplicate', ?,
              (SELECT id FROM journal
                WHERE state IN ('pending', 'applied', 'failed')
                  AND (body_sha256 = ? OR event_id = ?)
                ORDER BY id LIMIT 1))
      RETURNING id, duplicate_of
      """;

  // A delivery the database refused as it was: its raw bytes are kept for inspection, without the
  // envelope id (rejected rows take no part in deduplication) and in lane 0 (never applied).
  private static final String INSERT_REJECTED =
      """
      INSERT INTO journal (received_at, route, headers, body, body_sha256, event_id, state, error, updated_at,
                           lane)
      VALUES (?, ?, ?, ?, ?, NULL, 'rejected', ?, ?, 0)
      RETURNING id
      """;

  // PostgreSQL: the journal writers of every node (and an import) take turns per commit, held to
  // the commit's end, so entries commit in the order of their ids. The store applies a lane's
  // entries in id order and records how far it got; an entry that committed after a higher id had
  // been applied would be passed over. (One SQLite file has one writer at a time anyway.)
  static final String COMMIT_ORDER = "SELECT pg_advisory_xact_lock(7301208655302741918)";

  // SQLite: a write that changes nothing takes the file's write lock now, so that the count read
  // next is the one the batch commits under (a deferred transaction would read, then find the
  // file changed when it first writes)
  static final String WRITE_LOCK_SQLITE =
      "UPDATE journal_partitions SET partitions = partitions WHERE 0";

  /** Errors are for operators; a database's message quoting a value can be long. */
  private static final int REASON_MAX_CHARS = 2_000;

  private final PreparedStatement insert;
  private final PreparedStatement duplicate;
  private final Connection connection;
  private final PreparedStatement commitOrder;
  private final PreparedStatement partitionsNow;
  private PreparedStatement rejected;
  private int partitions = Partitioning.DEFAULT;

  private JournalInserts(
      final Connection connection,
      final PreparedStatement insert,
      final PreparedStatement duplicate,
      final PreparedStatement commitOrder,
      final PreparedStatement partitionsNow) {
    this.connection = connection;
    this.insert = insert;
    this.duplicate = duplicate;
    this.commitOrder = commitOrder;
    this.partitionsNow = partitionsNow;
  }

  /**
   * @param ordered whether commits take turns with other writers of the database (PostgreSQL)
   */
  static JournalInserts prepare(final Connection connection, final boolean ordered)
      throws SQLException {
    return new JournalInserts(
        connection,
        connection.prepareStatement(INSERT_ENTRY),
        connection.prepareStatement(INSERT_DUPLICATE),
        connection.prepareStatement(ordered ? COMMIT_ORDER : WRITE_LOCK_SQLITE),
        connection.prepareStatement(Partitioning.READ));
  }

  /**
   * The first statements of every journal transaction: waits for this writer's turn to commit, then
   * reads how many lanes the journal has now (a change commits in its own turn, see {@link
   * Partitioning}).
   */
  void beginTransaction() throws SQLException {
    commitOrder.execute();
    partitions = Partitioning.read(partitionsNow).partitions();
  }

  /**
   * Journals a delivery.
   *
   * @param key what decides its lane, found by the thread that received it
   */
  Receipt write(final Delivery delivery, final Lanes.Key key, final long now) throws SQLException {
    insert.setLong(1, delivery.receivedAtMillis());
    insert.setString(2, delivery.route());
    insert.setString(3, delivery.headersJson());
    insert.setBytes(4, delivery.body());
    insert.setString(5, delivery.bodySha256());
    insert.setString(6, delivery.eventId());
    insert.setString(7, delivery.rejected() ? "rejected" : "pending");
    insert.setString(8, delivery.rejection());
    insert.setLong(9, now);
    insert.setInt(10, key.lane(partitions));
    try (ResultSet inserted = insert.executeQuery()) {
      if (inserted.next()) {
        return delivery.rejected()
            ? new Receipt(inserted.getLong(1), Receipt.Outcome.REJECTED, null, delivery.rejection())
            : new Receipt(inserted.getLong(1), Receipt.Outcome.ACCEPTED, null, null);
      }
    }
    duplicate.setLong(1, delivery.receivedAtMillis());
    duplicate.setString(2, delivery.route());
    duplicate.setString(3, delivery.headersJson());
    duplicate.setBytes(4, delivery.body());
    duplicate.setString(5, delivery.bodySha256());
    duplicate.setString(6, delivery.eventId());
    duplicate.setLong(7, now);
    duplicate.setString(8, delivery.bodySha256());
    duplicate.setString(9, delivery.eventId());
    try (ResultSet inserted = duplicate.executeQuery()) {
      inserted.next();
      return new Receipt(inserted.getLong(1), Receipt.Outcome.DUPLICATE, inserted.getLong(2), null);
    }
  }

  /**
   * Journals a delivery the database refused, as rejected with {@code reason}. The texts lose their
   * NUL characters (PostgreSQL takes none); the body stays exactly as received.
   */
  Receipt writeRejected(final Delivery delivery, final String reason, final long now)
      throws SQLException {
    if (rejected == null) {
      rejected = connection.prepareStatement(INSERT_REJECTED);
    }
    final String error =
        text(reason.length() <= REASON_MAX_CHARS ? reason : reason.substring(0, REASON_MAX_CHARS));
    rejected.setLong(1, delivery.receivedAtMillis());
    rejected.setString(2, text(delivery.route()));
    rejected.setString(3, text(delivery.headersJson()));
    rejected.setBytes(4, delivery.body());
    rejected.setString(5, text(delivery.bodySha256()));
    rejected.setString(6, error);
    rejected.setLong(7, now);
    try (ResultSet inserted = rejected.executeQuery()) {
      inserted.next();
      return new Receipt(inserted.getLong(1), Receipt.Outcome.REJECTED, null, error);
    }
  }

  private static String text(final String value) {
    return value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
  }
}
