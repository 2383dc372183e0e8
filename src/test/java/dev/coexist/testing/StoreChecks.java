package dev.coexist.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Database;
import dev.coexist.db.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the crash and chaos tests check in a store after the processes that wrote it were killed,
 * frozen and restarted: nothing pending, every acknowledged delivery applied exactly once, and
 * every thread's figures equal to a recount of its messages.
 */
public final class StoreChecks {
  // entries beyond their lane's position, or asked to be applied again
  public static final String PENDING =
      """
      SELECT (SELECT count(*) FROM processor_lanes p JOIN journal j ON j.lane = p.lane
               WHERE j.state = 'pending' AND j.id > p.applied_up_to)
           + (SELECT count(*) FROM replay_requests)
      """;

  private StoreChecks() {}

  /** Waits until nothing is pending in the journal and no thread waits for its figures. */
  public static void awaitDrained(final Connection store, final CoexistProcess server)
      throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      assertThat(server.process().isAlive()).as("server process alive").isTrue();
      if (count(store, PENDING) == 0 && count(store, "SELECT count(*) FROM dirty_threads") == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "not drained after 120 s: "
            + count(store, PENDING)
            + " pending entries, "
            + count(store, "SELECT count(*) FROM dirty_threads")
            + " threads waiting");
  }

  /**
   * Every acknowledged history chunk (by its envelope id) and live message (by its wamid) is an
   * applied journal entry, applied once (one attempt: it was never applied, lost and applied again
   * as another attempt), and every acknowledged message is stored once.
   */
  public static void assertEveryAcknowledgedDeliveryAppliedOnce(
      final Connection store, final Set<String> acknowledged) throws SQLException {
    final List<String> problems = new ArrayList<>();
    try (PreparedStatement entries =
            store.prepareStatement(
                """
                SELECT j.event_id, COALESCE(o.state, 'not applied') AS state,
                       COALESCE(o.attempts, 0) AS attempts, j.body
                  FROM journal j LEFT JOIN entry_outcomes o ON o.journal_id = j.id
                 WHERE j.state <> 'duplicate'
                """);
        ResultSet rows = entries.executeQuery()) {
      final Set<String> journalled = new java.util.HashSet<>();
      while (rows.next()) {
        final String eventId = rows.getString("event_id");
        final String body = new String(rows.getBytes("body"), StandardCharsets.UTF_8);
        final String key = eventId != null ? eventId : liveWamid(body);
        journalled.add(key);
        if (!"applied".equals(rows.getString("state")) || rows.getInt("attempts") != 1) {
          problems.add(key + " is " + rows.getString("state") + " after " + rows.getInt(3));
        }
      }
      for (final String delivery : acknowledged) {
        if (!journalled.contains(delivery)) {
          problems.add(delivery + " acknowledged but not in the journal");
        }
      }
    }
    assertThat(problems).as("acknowledged deliveries not applied exactly once").isEmpty();
    // the stored copies of every message in one scan (SQLite has no index by wamid alone: a
    // count per message scanned the table once each)
    final Map<String, Integer> copies = new HashMap<>();
    try (PreparedStatement messages = store.prepareStatement("SELECT wamid FROM messages");
        ResultSet rows = messages.executeQuery()) {
      while (rows.next()) {
        copies.merge(rows.getString(1), 1, Integer::sum);
      }
    }
    for (final String delivery : acknowledged) {
      if (delivery.startsWith("wamid.")) {
        assertThat(copies.getOrDefault(delivery, 0))
            .as("stored copies of %s", delivery)
            .isEqualTo(1);
      }
    }
  }

  private static String liveWamid(final String body) {
    final int at = body.indexOf("\"id\":\"wamid.");
    return at < 0 ? body : body.substring(at + 6, body.indexOf('"', at + 6));
  }

  /**
   * Recounts every thread from its messages, the way the figures are defined: counts per direction,
   * the newest message (by time, then wamid), and unread = live inbound messages newer than the
   * business's newest answer.
   */
  public static void assertThreadFiguresEqualRecount(final Connection store, final int minThreads)
      throws SQLException {
    final String recount =
        """
        SELECT t.id, t.message_count, r.total, t.inbound_count, r.inbound, t.outbound_count,
               r.outbound, t.unread_count, r.unread, t.last_message_at, r.newest,
               t.last_message_wamid,
               (SELECT m.wamid FROM messages m WHERE m.thread_id = t.id
                 ORDER BY m.sent_at DESC, m.wamid DESC LIMIT 1) AS newest_wamid
          FROM threads t
          JOIN (SELECT t2.id,
                       (SELECT count(*) FROM messages m WHERE m.thread_id = t2.id) AS total,
                       (SELECT count(*) FROM messages m
                         WHERE m.thread_id = t2.id AND m.direction = 'inbound') AS inbound,
                       (SELECT count(*) FROM messages m
                         WHERE m.thread_id = t2.id AND m.direction = 'outbound') AS outbound,
                       (SELECT count(*) FROM messages m
                         WHERE m.thread_id = t2.id AND m.direction = 'inbound'
                           AND (m.sources & 4) <> 0
                           AND m.sent_at > COALESCE((SELECT max(o.sent_at) FROM messages o
                                                      WHERE o.thread_id = t2.id
                                                        AND o.direction = 'outbound'), -1))
                         AS unread,
                       COALESCE((SELECT max(m.sent_at) FROM messages m
                                  WHERE m.thread_id = t2.id), 0) AS newest
                  FROM threads t2) r ON r.id = t.id
        """;
    final List<String> wrong = new ArrayList<>();
    int threads = 0;
    try (PreparedStatement select = store.prepareStatement(recount);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        threads++;
        final boolean exact =
            rows.getLong(2) == rows.getLong(3)
                && rows.getLong(4) == rows.getLong(5)
                && rows.getLong(6) == rows.getLong(7)
                && rows.getLong(8) == rows.getLong(9)
                && rows.getLong(10) == rows.getLong(11)
                && java.util.Objects.equals(rows.getString(12), rows.getString(13));
        if (!exact) {
          wrong.add(
              "thread %d: count %d/%d, inbound %d/%d, outbound %d/%d, unread %d/%d, last at %d/%d, last %s/%s"
                  .formatted(
                      rows.getLong(1),
                      rows.getLong(2),
                      rows.getLong(3),
                      rows.getLong(4),
                      rows.getLong(5),
                      rows.getLong(6),
                      rows.getLong(7),
                      rows.getLong(8),
                      rows.getLong(9),
                      rows.getLong(10),
                      rows.getLong(11),
                      rows.getString(12),
                      rows.getString(13)));
        }
      }
    }
    assertThat(threads).as("threads in the store").isGreaterThanOrEqualTo(minThreads);
    assertThat(wrong)
        .as("threads whose figures differ from a recount (stored/recounted)")
        .isEmpty();
  }

  public static long count(final Connection store, final String sql) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  /** The store, and on SQLite the journal's file attached to it, as the store's readers see it. */
  public static Connection connect(final String databaseUrl) throws SQLException {
    final Connection connection = DriverManager.getConnection(databaseUrl);
    if (databaseUrl.startsWith("jdbc:sqlite:")) {
      final Path storeFile = Database.sqliteFile(databaseUrl);
      try (Statement attach = connection.createStatement()) {
        attach.execute("ATTACH DATABASE '" + Storage.journalFileOf(storeFile) + "' AS journal_db");
      }
    }
    return connection;
  }
}
