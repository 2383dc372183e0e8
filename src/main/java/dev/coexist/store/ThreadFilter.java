package dev.coexist.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Which threads of a number a list shows: those whose customer matches a text, and those with or
 * without unread, failed or awaited-media messages, or with messages of one origin. Every part is
 * optional (null); the parts present must all hold. Renders its SQL conditions and binds them.
 *
 * @param text matched, as a part, against the customer's phone (by its digits, whatever the
 *     formatting: "+54 9 11 5555-1234" finds 5491155551234), names, username and user ids, in any
 *     script, whatever the case and the diacritics ("jose" finds "José", "ЛЕНА" "Лена")
 * @param unread whether the thread has unread messages
 * @param hasFailed whether a message of the thread failed
 * @param awaitingMedia whether a message of the thread is a history media placeholder whose media
 *     has not arrived
 * @param origin the thread has a message that came this way
 */
public record ThreadFilter(
    String text, Boolean unread, Boolean hasFailed, Boolean awaitingMedia, MessageSource origin) {

  public static final ThreadFilter NONE = new ThreadFilter(null, null, null, null, null);

  // the customer's names and ids, folded on both sides (lower case, no diacritics: search_fold,
  // a function of the migrations on PostgreSQL and of SearchFold on SQLite)
  private static final String NAMED =
      """
         AND (search_fold(COALESCE(k.full_name, '')) LIKE search_fold(?) ESCAPE '!'
              OR search_fold(COALESCE(k.first_name, '')) LIKE search_fold(?) ESCAPE '!'
              OR search_fold(COALESCE(k.username, '')) LIKE search_fold(?) ESCAPE '!'
              OR search_fold(COALESCE(c.profile_name, '')) LIKE search_fold(?) ESCAPE '!'
              OR search_fold(COALESCE(c.username, '')) LIKE search_fold(?) ESCAPE '!'
              OR search_fold(COALESCE(c.user_id, '')) LIKE search_fold(?) ESCAPE '!'
              OR search_fold(COALESCE(c.parent_user_id, '')) LIKE search_fold(?) ESCAPE '!'
              OR c.phone LIKE ? ESCAPE '!')
      """;

  private static final String UNREAD = " AND t.unread_count > 0";
  private static final String READ = " AND t.unread_count = 0";

  // the messages_failed and messages_awaiting_media indexes: a probe per thread
  private static final String FAILED =
      " AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.failed = 1)";
  private static final String NOT_FAILED =
      " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.failed = 1)";
  private static final String AWAITING =
      " AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.media_placeholder = 1)";
  private static final String NOT_AWAITING =
      " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id"
          + " AND m.media_placeholder = 1)";
  private static final String ORIGIN =
      " AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND (m.sources & ?) <> 0)";

  public boolean isNone() {
    return equals(NONE);
  }

  /**
   * The conditions, each starting with AND, for a query over threads t, customers c, contacts k.
   */
  String conditions() {
    final StringBuilder sql = new StringBuilder();
    if (text != null && !text.isBlank()) {
      sql.append(NAMED);
    }
    if (unread != null) {
      sql.append(unread ? UNREAD : READ);
    }
    if (hasFailed != null) {
      sql.append(hasFailed ? FAILED : NOT_FAILED);
    }
    if (awaitingMedia != null) {
      sql.append(awaitingMedia ? AWAITING : NOT_AWAITING);
    }
    if (origin != null) {
      sql.append(ORIGIN);
    }
    return sql.toString();
  }

  /** Binds the conditions' parameters from {@code index}; returns the next free index. */
  int bind(final PreparedStatement statement, final int index) throws SQLException {
    int next = index;
    if (text != null && !text.isBlank()) {
      final String words = "%" + escape(withoutAt(text.strip())) + "%";
      for (int name = 0; name < 7; name++) {
        statement.setString(next++, words);
      }
      final String digits = phoneDigits(text);
      // a text with letters is no phone: its digits must not match one by chance
      statement.setString(next++, digits == null ? null : "%" + digits + "%");
    }
    if (origin != null) {
      statement.setInt(next++, origin.bit());
    }
    return next;
  }

  /**
   * The digits of a text that is written as a phone number ("+54 9 11 5555-1234", "(650) 555-1234",
   * "5491155551234", a part of one), else null.
   */
  static String phoneDigits(final String text) {
    final StringBuilder digits = new StringBuilder();
    for (final char each : text.strip().toCharArray()) {
      if (each >= '0' && each <= '9') {
        digits.append(each);
      } else if ("+-(). /".indexOf(each) < 0) {
        return null;
      }
    }
    return digits.isEmpty() ? null : digits.toString();
  }

  private static String withoutAt(final String text) {
    return text.startsWith("@") ? text.substring(1) : text;
  }

  private static String escape(final String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
