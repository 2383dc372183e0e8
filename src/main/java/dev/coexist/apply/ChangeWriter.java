package dev.coexist.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Writes a transaction's changes to the change log ({@code changes}), as its last writes before it
 * commits: the live feed and outbound webhooks read them from there, on any node. On PostgreSQL the
 * change-order lock is taken first, so the rows' sequence numbers follow commit order, and the
 * other nodes' feeds are notified at commit.
 */
final class ChangeWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String INSERT =
      """
      INSERT INTO changes (committed_at, type, phone_number_id, thread_id, data, location)
      VALUES (?, ?, ?, ?, ?, ?)
      """;

  private ChangeWriter() {}

  static void write(final WriteSession session, final List<StoreChange> changes)
      throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    final Dialect dialect = session.dialect();
    if (dialect.changeOrder != null) {
      session.prepare(dialect.changeOrder).execute();
    }
    final long now = System.currentTimeMillis();
    final PreparedStatement insert = session.prepare(INSERT);
    for (final StoreChange change : changes) {
      insert.setLong(1, now);
      insert.setString(2, change.type());
      insert.setString(3, change.phoneNumberId());
      if (change.threadId() == null) {
        insert.setNull(4, Types.BIGINT);
      } else {
        insert.setLong(4, change.threadId());
      }
      insert.setString(5, json(change));
      insert.setString(6, change.location());
      insert.addBatch();
    }
    insert.executeBatch();
    if (dialect.announceChanges != null) {
      session.prepare(dialect.announceChanges).execute();
    }
  }

  private static String json(final StoreChange change) {
    try {
      return JSON.writeValueAsString(change.data());
    } catch (JsonProcessingException unserialisable) {
      // the data is built from strings, numbers and lists of them: this cannot happen
      throw new IllegalStateException("change data not serialisable: " + change, unserialisable);
    }
  }
}
