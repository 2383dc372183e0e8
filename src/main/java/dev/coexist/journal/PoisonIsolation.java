package dev.coexist.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow path of a batch the database refused as data ({@link WriteFailure.Refused}): its
 * deliveries are written again one by one, each between savepoints of one transaction, so that the
 * good ones commit together and a delivery the database refuses is journalled as rejected with the
 * database's reason instead. The normal path never pays for this: savepoints cost a round trip each
 * on PostgreSQL.
 */
final class PoisonIsolation {
  private static final Logger LOG = LoggerFactory.getLogger(PoisonIsolation.class);

  /** What became of one delivery of an isolated batch. */
  sealed interface Result {}

  /** On disk, as the receipt says (accepted, duplicate, or rejected with the reason). */
  record Journalled(Receipt receipt) implements Result {}

  /** Refused even as a rejected entry: not on disk; the sender must be told it is at fault. */
  record Refused(String reason, SQLException cause) implements Result {}

  private PoisonIsolation() {}

  /**
   * Writes {@code deliveries} on {@code connection} (whose previous transaction was rolled back)
   * and commits. Throws when the database turns out to be unavailable, or the commit fails: the
   * caller then answers the whole batch as it would any unavailable database.
   */
  static List<Result> write(
      final Connection connection,
      final JournalInserts inserts,
      final List<Delivery> deliveries,
      final long now)
      throws SQLException {
    final List<Result> results = new ArrayList<>(deliveries.size());
    inserts.beginTransaction();
    for (final Delivery delivery : deliveries) {
      final Savepoint before = connection.setSavepoint();
      try {
        results.add(new Journalled(inserts.write(delivery, Lanes.keyOf(delivery.body()), now)));
        connection.releaseSavepoint(before);
        continue;
      } catch (SQLException refused) {
        if (WriteFailure.of(refused) instanceof WriteFailure.Unavailable) {
          throw refused;
        }
        connection.rollback(before);
        final String reason = "the journal database refused this delivery: " + refused.getMessage();
        LOG.warn(
            "Delivery of {} bytes (sha256 {}) refused by the journal database, journalled as"
                + " rejected: {}",
            delivery.body().length,
            delivery.bodySha256(),
            refused.getMessage());
        results.add(rejected(connection, inserts, delivery, reason, now));
      }
    }
    connection.commit();
    return results;
  }

  private static Result rejected(
      final Connection connection,
      final JournalInserts inserts,
      final Delivery delivery,
      final String reason,
      final long now)
      throws SQLException {
    final Savepoint before = connection.setSavepoint();
    try {
      final Receipt receipt = inserts.writeRejected(delivery, reason, now);
      connection.releaseSavepoint(before);
      return new Journalled(receipt);
    } catch (SQLException refusedAgain) {
      if (WriteFailure.of(refusedAgain) instanceof WriteFailure.Unavailable) {
        throw refusedAgain;
      }
      connection.rollback(before);
      LOG.warn(
          "Delivery (sha256 {}) refused even as a rejected entry, answered 400: {}",
          delivery.bodySha256(),
          refusedAgain.getMessage());
      return new Refused(reason, refusedAgain);
    }
  }
}
