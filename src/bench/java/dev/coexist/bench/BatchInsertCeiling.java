package dev.coexist.bench;

import dev.coexist.apply.Processor;
import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.Decoder;
import dev.coexist.coexistence.Direction;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryMessage;
import dev.coexist.coexistence.HistoryThread;
import dev.coexist.coexistence.Message;
import dev.coexist.db.Database;
import dev.coexist.store.StoredContent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ceiling of a history import: the same message rows, built in memory beforehand, written with
 * one plain JDBC batch {@code INSERT} per chunk into the same {@code messages} table (same indexes)
 * of the same engine, with the processor's connection settings. No decoding, no merge, no threads,
 * no journal: what the database itself allows on this machine.
 */
final class BatchInsertCeiling {
  private static final String INSERT =
      """
      INSERT INTO messages (phone_number_id, wamid, thread_id, direction, sources, type, content,
                            text_original, text, sent_at, media_placeholder, history_status,
                            status, status_rank, status_at)
      VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  private record Row(
      String number,
      String wamid,
      long threadId,
      String direction,
      String type,
      String content,
      String text,
      long sentAt,
      int placeholder,
      String status,
      int statusRank) {}

  private final List<List<Row>> chunks;
  private final long messages;

  private BatchInsertCeiling(final List<List<Row>> chunks, final long messages) {
    this.chunks = chunks;
    this.messages = messages;
  }

  /**
   * The rows of the given chunk bodies, decoded now (not timed).
   *
   * @param threads the thread id of each customer phone, filled as new ones turn up: the same map
   *     for the warm-up and the measured rows gives a customer one thread, as the store does
   */
  static BatchInsertCeiling of(final List<byte[]> bodies, final Map<String, Long> threads) {
    final Decoder decoder = new Decoder();
    final List<List<Row>> chunks = new ArrayList<>(bodies.size());
    long messages = 0;
    for (final byte[] body : bodies) {
      final Decoded decoded = decoder.decode(body);
      final List<Row> rows = new ArrayList<>();
      for (final var event : decoded.events()) {
        if (!(event instanceof HistoryChunk chunk)) {
          continue;
        }
        final String number = chunk.origin().phoneNumberId();
        for (final HistoryThread thread : chunk.threads()) {
          final long threadId =
              threads.computeIfAbsent(thread.customer().phone(), phone -> threads.size() + 1L);
          for (final HistoryMessage item : thread.messages()) {
            rows.add(row(number, threadId, item));
          }
        }
      }
      messages += rows.size();
      chunks.add(rows);
    }
    return new BatchInsertCeiling(chunks, messages);
  }

  private static Row row(final String number, final long threadId, final HistoryMessage item) {
    final Message message = item.message();
    final String status = item.status() == null ? null : item.status().value();
    return new Row(
        number,
        message.wamid(),
        threadId,
        message.direction() == Direction.OUTBOUND ? "outbound" : "inbound",
        message.type(),
        StoredContent.json(message),
        message.text(),
        message.timestamp() == null ? 0 : message.timestamp().getEpochSecond(),
        message.isMediaPlaceholder() ? 1 : 0,
        status,
        rank(status));
  }

  private static int rank(final String status) {
    if (status == null) {
      return 0;
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "pending" -> 1;
      case "sent" -> 2;
      case "delivered" -> 3;
      case "read" -> 4;
      case "played" -> 5;
      case "failed", "error" -> 9;
      default -> 0;
    };
  }

  long messages() {
    return messages;
  }

  /** Inserts every row, one transaction per chunk; returns the nanoseconds it took. */
  long run(final Database database) throws SQLException {
    try (Connection connection = database.openWriterConnection()) {
      connection.setAutoCommit(true);
      try (Statement setup = connection.createStatement()) {
        for (final String statement : Processor.writerSetup(database.engine())) {
          setup.execute(statement);
        }
      }
      connection.setAutoCommit(false);
      final long started = System.nanoTime();
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        for (final List<Row> chunk : chunks) {
          for (final Row row : chunk) {
            insert.setString(1, row.number());
            insert.setString(2, row.wamid());
            insert.setLong(3, row.threadId());
            insert.setString(4, row.direction());
            insert.setString(5, row.type());
            insert.setString(6, row.content());
            insert.setString(7, row.text());
            insert.setString(8, row.text());
            insert.setLong(9, row.sentAt());
            insert.setInt(10, row.placeholder());
            insert.setString(11, row.status());
            insert.setString(12, row.statusRank() > 0 ? row.status() : null);
            insert.setInt(13, row.statusRank());
            insert.setLong(14, row.statusRank() > 0 ? row.sentAt() : 0);
            insert.addBatch();
          }
          insert.executeBatch();
          connection.commit();
        }
      }
      return System.nanoTime() - started;
    }
  }
}
