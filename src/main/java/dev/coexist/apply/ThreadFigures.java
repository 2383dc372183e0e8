package dev.coexist.apply;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A thread's figures (counts per direction, unread, the last message and its preview), recomputed
 * from its messages in the transaction that takes it off {@link DirtyThreads}.
 */
final class ThreadFigures {
  // Each figure is read from an index: the counts in one pass over the thread's entries of the
  // (thread_id, sent_at, id, direction) index, which holds all they need (three counts were three
  // passes; on PostgreSQL each pass also visits the rows of fresh pages); the newest message and
  // the newest outbound walking it newest first (the outbound usually within a step or two); the
  // newest live inbound a probe of the partial messages_live_inbound index. One aggregate over
  // the thread's rows, reading sources from the table, made every live message pay for the whole
  // history.
  private static final String REFRESH_COUNTS =
      """
      UPDATE threads SET
        (message_count, inbound_count, outbound_count) =
          (SELECT count(*), count(*) FILTER (WHERE m.direction = 'inbound'),
                  count(*) FILTER (WHERE m.direction = 'outbound')
             FROM messages m WHERE m.thread_id = threads.id),
        last_message_at = COALESCE((SELECT m.sent_at FROM messages m WHERE m.thread_id = threads.id
                                     ORDER BY m.sent_at DESC LIMIT 1), 0),
        last_live_inbound_at = (SELECT m.sent_at FROM messages m
                                 WHERE m.thread_id = threads.id AND m.direction = 'inbound'
                                   AND (m.sources & 4) <> 0
                                 ORDER BY m.sent_at DESC LIMIT 1),
        last_outbound_at = (SELECT m.sent_at FROM messages m
                             WHERE m.thread_id = threads.id AND m.direction = 'outbound'
                             ORDER BY m.sent_at DESC LIMIT 1)
       WHERE id = ?
      """;

  // runs after REFRESH_COUNTS: unread = live inbound newer than the business's last answer
  private static final String REFRESH_LAST =
      """
      UPDATE threads SET
        unread_count = (SELECT count(*) FROM messages m
                         WHERE m.thread_id = threads.id AND m.direction = 'inbound'
                           AND (m.sources & 4) <> 0
                           AND m.sent_at > COALESCE(threads.last_outbound_at, -1)),
        (last_message_wamid, last_direction, last_preview) =
          (SELECT m.wamid, m.direction,
                  CASE WHEN m.revoked = 1 THEN '[deleted]'
                       ELSE COALESCE(m.text, '[' || COALESCE(m.type, 'message') || ']') END
             FROM messages m WHERE m.thread_id = threads.id
            ORDER BY m.sent_at DESC, m.wamid DESC LIMIT 1)
       WHERE id = ?
      """;

  private ThreadFigures() {}

  /** Recomputes the aggregates of every thread the transaction touched. */
  static void refreshThreads(final WriteSession session) throws SQLException {
    if (session.touchedThreads().isEmpty()) {
      return;
    }
    final PreparedStatement counts = session.prepare(REFRESH_COUNTS);
    final PreparedStatement last = session.prepare(REFRESH_LAST);
    for (final long thread : session.touchedThreads()) {
      counts.setLong(1, thread);
      counts.addBatch();
      last.setLong(1, thread);
      last.addBatch();
    }
    counts.executeBatch();
    last.executeBatch();
  }
}
