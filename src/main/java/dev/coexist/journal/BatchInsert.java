package dev.coexist.journal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * PostgreSQL: the deliveries of one batch journalled by one statement, not one each. Every
 * statement is a round trip with some tens of microseconds of work on either side; at 2,000 small
 * deliveries a second in batches of four or five, one insert per delivery was a third of all the
 * statements the database ran. A delivery the unique keys turn away (journalled before, or twice in
 * the batch) is not inserted and is left for the caller to write as a duplicate.
 */
final class BatchInsert {
  // ids are drawn in the batch's order (ORDER BY the position), so entries keep the order their
  // deliveries were acknowledged in, as one insert each did
  private static final String INSERT_ENTRIES =
      """
      INSERT INTO journal (received_at, route, headers, body, body_sha256, event_id, state, error,
                           updated_at, lane)
      SELECT d.received_at, d.route, d.headers, d.body, d.body_sha256, d.event_id, d.state, d.error,
             ?, d.lane
        FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bytea[]),
                    CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                    CAST(? AS integer[]))
             WITH ORDINALITY
             AS d(received_at, route, headers, body, body_sha256, event_id, state, error, lane,
                  position)
       ORDER BY d.position
      ON CONFLICT DO NOTHING
      RETURNING id, body_sha256, event_id, state
      """;

  /**
   * The bodies one statement carries at most: the server holds a statement's parameters in memory
   * at once, and a batch of large history chunks goes in several.
   */
  static final long BYTES_PER_STATEMENT = 16L * 1024 * 1024;

  private final Connection connection;
  private final PreparedStatement insert;

  BatchInsert(final Connection connection) throws SQLException {
    this.connection = connection;
    this.insert = connection.prepareStatement(INSERT_ENTRIES);
  }

  /** A delivery to journal with its lane. */
  record Entry(Delivery delivery, int lane) {}

  /**
   * Inserts the entries; for each, in order, its new id, or null when a unique key turned it away.
   */
  List<Long> insert(final List<Entry> entries, final long now) throws SQLException {
    final List<Long> ids = new ArrayList<>(entries.size());
    int from = 0;
    while (from < entries.size()) {
      int to = from + 1;
      long bytes = entries.get(from).delivery().body().length;
      while (to < entries.size()
          && bytes + entries.get(to).delivery().body().length <= BYTES_PER_STATEMENT) {
        bytes += entries.get(to).delivery().body().length;
        to++;
      }
      ids.addAll(statement(entries.subList(from, to), now));
      from = to;
    }
    return ids;
  }

  private List<Long> statement(final List<Entry> entries, final long now) throws SQLException {
    final int count = entries.size();
    final Long[] receivedAt = new Long[count];
    final String[] routes = new String[count];
    final String[] headers = new String[count];
    final byte[][] bodies = new byte[count][];
    final String[] sha256 = new String[count];
    final String[] eventIds = new String[count];
    final String[] states = new String[count];
    final String[] errors = new String[count];
    final Integer[] lanes = new Integer[count];
    for (int index = 0; index < count; index++) {
      final Delivery delivery = entries.get(index).delivery();
      receivedAt[index] = delivery.receivedAtMillis();
      routes[index] = delivery.route();
      headers[index] = delivery.headersJson();
      bodies[index] = delivery.body();
      sha256[index] = delivery.bodySha256();
      eventIds[index] = delivery.eventId();
      states[index] = state(delivery);
      errors[index] = delivery.rejection();
      lanes[index] = entries.get(index).lane();
    }
    insert.setLong(1, now);
    final List<Array> arrays =
        List.of(
            connection.createArrayOf("int8", receivedAt),
            connection.createArrayOf("text", routes),
            connection.createArrayOf("text", headers),
            connection.createArrayOf("bytea", bodies),
            connection.createArrayOf("text", sha256),
            connection.createArrayOf("text", eventIds),
            connection.createArrayOf("text", states),
            connection.createArrayOf("text", errors),
            connection.createArrayOf("int4", lanes));
    for (int index = 0; index < arrays.size(); index++) {
      insert.setArray(index + 2, arrays.get(index));
    }
    final List<Inserted> inserted = new ArrayList<>(count);
    try (ResultSet rows = insert.executeQuery()) {
      while (rows.next()) {
        inserted.add(
            new Inserted(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4)));
      }
    }
    inserted.sort((first, second) -> Long.compare(first.id(), second.id()));
    return matched(entries, inserted);
  }

  /**
   * The inserted rows, in id order, are the inserted deliveries in batch order: each delivery takes
   * the next row if that row has its keys. A delivery turned away whose keys equal a later inserted
   * one's cannot be: whatever turned it away would turn that one away too.
   */
  private static List<Long> matched(final List<Entry> entries, final List<Inserted> inserted) {
    final List<Long> ids = new ArrayList<>(entries.size());
    int next = 0;
    for (final Entry entry : entries) {
      final Delivery delivery = entry.delivery();
      if (next < inserted.size() && inserted.get(next).isOf(delivery)) {
        ids.add(inserted.get(next).id());
        next++;
      } else {
        ids.add(null);
      }
    }
    if (next != inserted.size()) {
      throw new IllegalStateException(
          "journal batch: " + inserted.size() + " rows inserted, " + next + " matched");
    }
    return ids;
  }

  static String state(final Delivery delivery) {
    return delivery.rejected() ? "rejected" : "pending";
  }

  private record Inserted(long id, String bodySha256, String eventId, String state) {
    boolean isOf(final Delivery delivery) {
      return bodySha256.equals(delivery.bodySha256())
          && Objects.equals(eventId, delivery.eventId())
          && state.equals(BatchInsert.state(delivery));
    }
  }
}
