package dev.coexist.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.apply.MessageWriter.MessageWrite;
import dev.coexist.coexistence.ApiError;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryDeclined;
import dev.coexist.coexistence.HistoryMessage;
import dev.coexist.coexistence.HistoryThread;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.Party;
import dev.coexist.journal.PendingEntry;
import dev.coexist.store.MessageSource;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * History imports: a chunk counted once per (number, phase, chunk order), its threads' customers,
 * threads and messages written in bulk; a declined import recorded with its error.
 */
final class HistoryWriter {
  // a chunk seen again is counted once; a differing repeat keeps the larger figures (order-free)
  private static final String UPSERT_CHUNK =
      """
      INSERT INTO history_chunks (phone_number_id, phase, chunk_order, progress, threads, messages,
                                  received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (phone_number_id, phase, chunk_order) DO UPDATE SET
        progress = CASE WHEN history_chunks.progress IS NULL
                          OR excluded.progress > history_chunks.progress
                        THEN excluded.progress ELSE history_chunks.progress END,
        threads = CASE WHEN excluded.threads > history_chunks.threads
                       THEN excluded.threads ELSE history_chunks.threads END,
        messages = CASE WHEN excluded.messages > history_chunks.messages
                        THEN excluded.messages ELSE history_chunks.messages END,
        received_at = CASE WHEN excluded.received_at < history_chunks.received_at
                           THEN excluded.received_at ELSE history_chunks.received_at END
      """;

  private static final String INSERT_DECLINE =
      """
      INSERT INTO history_declines (phone_number_id, code, title, message, details, errors,
                                    received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (phone_number_id) DO NOTHING
      """;

  private HistoryWriter() {}

  static int chunk(
      final WriteSession session,
      final PendingEntry entry,
      final HistoryChunk chunk,
      final Map<JsonNode, String> contents,
      final int fromThread)
      throws SQLException {
    final String number = DeliveryApplier.number(chunk.origin());
    final PreparedStatement upsert = session.prepare(UPSERT_CHUNK);
    upsert.setString(1, number);
    upsert.setInt(2, chunk.phase() == null ? -1 : chunk.phase());
    upsert.setInt(3, chunk.chunkOrder() == null ? -1 : chunk.chunkOrder());
    if (chunk.progress() == null) {
      upsert.setNull(4, Types.INTEGER);
    } else {
      upsert.setInt(4, chunk.progress());
    }
    upsert.setInt(5, chunk.threads().size());
    upsert.setInt(6, chunk.messageCount());
    upsert.setLong(7, entry.receivedAtMillis());
    upsert.executeUpdate();
    return threads(
        session,
        entry.id(),
        number,
        chunk.threads().subList(fromThread, chunk.threads().size()),
        contents);
  }

  /**
   * Writes threads of a chunk: their customers, threads and messages; the messages are the chunk's
   * {@link HistoryMessages#wamids}, and its actions (edits, revokes, reactions) are applied to
   * their targets.
   *
   * @param journalId the entry being applied, the {@code created_by} of the messages it stores
   */
  static int threads(
      final WriteSession session,
      final long journalId,
      final String number,
      final List<HistoryThread> threads,
      final Map<JsonNode, String> contents)
      throws SQLException {
    final List<Party> parties = new ArrayList<>(threads.size());
    int messageCount = 0;
    for (final HistoryThread thread : threads) {
      parties.add(thread.customer());
      messageCount += thread.messages().size();
    }
    final long[] customers = ChunkCustomers.resolve(session, number, parties);
    final List<MessageWrite> writes = new ArrayList<>(messageCount);
    final List<Message> actions = new ArrayList<>();
    final Set<Long> threadsWithMessages = new LinkedHashSet<>();
    for (int index = 0; index < customers.length; index++) {
      final HistoryThread thread = threads.get(index);
      final long customer = customers[index];
      if (customer < 0) {
        throw new IllegalArgumentException("a history thread names no customer");
      }
      for (final HistoryMessage item : thread.messages()) {
        if (!HistoryMessages.isStored(item.message())) {
          actions.add(item.message());
        } else {
          writes.add(
              new MessageWrite(
                  item.message(),
                  customer,
                  MessageSource.HISTORY,
                  item.status(),
                  MessageContents.of(contents, item.message()),
                  journalId));
          threadsWithMessages.add(customer);
        }
      }
    }
    Customers.ensureThreads(session, threadsWithMessages, number);
    MessageWriter.upsert(session, number, writes);
    for (final Message action : actions) {
      DeliveryApplier.action(session, number, action, MessageSource.HISTORY);
    }
    return writes.size();
  }

  static void declined(
      final WriteSession session, final PendingEntry entry, final HistoryDeclined declined)
      throws SQLException {
    final ApiError first = declined.errors().isEmpty() ? null : declined.errors().get(0);
    final PreparedStatement insert = session.prepare(INSERT_DECLINE);
    insert.setString(1, DeliveryApplier.number(declined.origin()));
    if (first == null || first.code() == null) {
      insert.setNull(2, Types.INTEGER);
    } else {
      insert.setInt(2, first.code());
    }
    insert.setString(3, first == null ? null : first.title());
    insert.setString(4, first == null ? null : first.message());
    insert.setString(5, first == null ? null : first.details());
    insert.setString(6, ColumnValues.json(declined.errors()));
    insert.setLong(7, entry.receivedAtMillis());
    insert.executeUpdate();
  }
}
