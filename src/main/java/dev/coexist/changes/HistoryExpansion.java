package dev.coexist.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.apply.HistoryMessages;
import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.Decoder;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-message events of a history chunk's change, for the subscriptions that ask for them: one
 * {@code message.created} per message the chunk stored, in the chunk's order. The change log keeps
 * one change per chunk, so its messages are found from the chunk itself, read again from its
 * journal entry at the change's location, and kept when that entry stored them first ({@code
 * messages.created_by}): a message the store held already (an echo, an earlier chunk, the same
 * chunk delivered again) is not the chunk's. Two reads by key per chunk, on the forwarder's thread,
 * never on the apply path.
 */
final class HistoryExpansion {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryExpansion.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  // the same chunk is expanded for each subscription that asks, usually within one round
  private static final int REMEMBERED = 16;

  private static final String BODY = "SELECT body FROM journal WHERE id = ?";

  // the messages of the chunk the entry created, by the (phone_number_id, wamid) key; the array is
  // unpacked once on PostgreSQL (as an IN subquery it would be unpacked for every row)
  private static final String CREATED_SQLITE =
      """
      SELECT wamid, thread_id FROM messages
       WHERE phone_number_id = ? AND wamid IN (SELECT value FROM json_each(?)) AND created_by = ?
      """;

  private static final String CREATED_POSTGRESQL =
      """
      SELECT wamid, thread_id FROM messages
       WHERE phone_number_id = ?
         AND wamid = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(? AS jsonb))))
         AND created_by = ?
      """;

  /** The n-th message (from 1) of a chunk's change: its wamid and thread. */
  record Message(int part, String wamid, long threadId) {}

  private final Database database;
  private final Decoder decoder = new Decoder();
  private final Map<Long, List<Message>> remembered =
      new LinkedHashMap<>(REMEMBERED, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<Long, List<Message>> eldest) {
          return size() > REMEMBERED;
        }
      };

  HistoryExpansion(final Database database) {
    this.database = database;
  }

  /** Whether the change is a history chunk's, which has per-message events. */
  static boolean expands(final ChangeRecord change) {
    return change.type().equals("history.updated")
        && change.location() != null
        && change.phoneNumberId() != null;
  }

  /** The messages the chunk of this change stored, in the chunk's order; empty when none. */
  List<Message> of(final ChangeRecord change) throws SQLException {
    final List<Message> known = remembered.get(change.seq());
    if (known != null) {
      return known;
    }
    final List<Message> messages = read(change);
    remembered.put(change.seq(), messages);
    return messages;
  }

  private List<Message> read(final ChangeRecord change) throws SQLException {
    final long journalId = journalId(change);
    try (Connection connection = database.pool().getConnection()) {
      final byte[] body = body(connection, journalId);
      final HistoryChunk chunk = body == null ? null : chunk(body, change.location());
      if (chunk == null) {
        LOG.warn(
            "Change {}: no history chunk at {} of journal entry {}; no per-message events",
            change.seq(),
            change.location(),
            journalId);
        return List.of();
      }
      final List<String> wamids = HistoryMessages.wamids(chunk);
      final Map<String, Long> created =
          created(connection, change.phoneNumberId(), wamids, journalId);
      final List<Message> messages = new ArrayList<>(created.size());
      for (final String wamid : wamids) {
        final Long thread = created.get(wamid);
        if (thread != null) {
          messages.add(new Message(messages.size() + 1, wamid, thread));
        }
      }
      return List.copyOf(messages);
    }
  }

  private static long journalId(final ChangeRecord change) {
    try {
      final JsonNode data = JSON.readTree(change.dataJson());
      return data.path("journal_id").asLong();
    } catch (IOException unreadable) {
      throw new IllegalStateException("change " + change.seq() + " has unreadable data");
    }
  }

  private static byte[] body(final Connection connection, final long journalId)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(BODY)) {
      select.setLong(1, journalId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getBytes(1) : null;
      }
    }
  }

  private HistoryChunk chunk(final byte[] body, final String location) {
    for (final CoexistenceEvent event : decoder.decode(body).events()) {
      if (event instanceof HistoryChunk chunk && location.equals(chunk.origin().location())) {
        return chunk;
      }
    }
    return null;
  }

  private Map<String, Long> created(
      final Connection connection,
      final String number,
      final List<String> wamids,
      final long journalId)
      throws SQLException {
    final Map<String, Long> created = new HashMap<>();
    if (wamids.isEmpty()) {
      return created;
    }
    try (PreparedStatement select =
        connection.prepareStatement(
            database.engine() == Engine.POSTGRESQL ? CREATED_POSTGRESQL : CREATED_SQLITE)) {
      select.setString(1, number);
      select.setString(2, JSON.writeValueAsString(wamids));
      select.setLong(3, journalId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          created.put(rows.getString(1), rows.getLong(2));
        }
      }
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return created;
  }
}
