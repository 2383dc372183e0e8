package dev.coexist.apply;

import java.sql.SQLException;
import java.util.List;

/**
 * Every store table as deterministic text, without what legitimately differs between two runs of
 * the same deliveries: surrogate ids (customers and threads appear by customer key), journal ids
 * and arrival times. Two stores built from the same deliveries in any order must dump alike.
 */
final class StoreDump {
  private static final List<String> QUERIES =
      List.of(
          // display_phone_number is the latest spelling seen (formatted or not): arrival order
          """
          SELECT phone_number_id, display_digits, waba_id FROM numbers ORDER BY phone_number_id
          """,
          """
          SELECT waba_id, phone_number_id, phone_digits, event, reason, initiated_by, location,
                 payload
            FROM account_events ORDER BY payload, location
          """,
          "SELECT event, delivery_id, location, payload FROM partner_events ORDER BY payload",
          """
          SELECT phone_number_id, phase, chunk_order, progress, threads, messages
            FROM history_chunks ORDER BY phone_number_id, phase, chunk_order
          """,
          """
          SELECT phone_number_id, code, title, message, details, errors
            FROM history_declines ORDER BY phone_number_id
          """,
          """
          SELECT phone_number_id, customer_key, phone, user_id, parent_user_id, username,
                 profile_name, profile_name_at
            FROM customers ORDER BY phone_number_id, customer_key
          """,
          """
          SELECT i.phone_number_id, i.kind, i.value, c.customer_key
            FROM customer_identities i JOIN customers c ON c.id = i.customer_id
           ORDER BY i.phone_number_id, i.kind, i.value
          """,
          """
          SELECT t.phone_number_id, c.customer_key, t.message_count, t.inbound_count,
                 t.outbound_count, t.unread_count, t.last_message_at, t.last_live_inbound_at,
                 t.last_outbound_at, t.last_message_wamid, t.last_direction, t.last_preview
            FROM threads t JOIN customers c ON c.id = t.id
           ORDER BY t.phone_number_id, c.customer_key
          """,
          """
          SELECT k.phone_number_id, c.customer_key, k.full_name, k.first_name, k.username,
                 k.action, k.removed, k.changed_at
            FROM contacts k JOIN customers c ON c.id = k.customer_id
           ORDER BY k.phone_number_id, c.customer_key
          """,
          """
          SELECT m.phone_number_id, m.wamid, c.customer_key, m.direction, m.sources, m.type,
                 m.content, m.text_original, m.text, m.sent_at, m.reply_to_wamid, m.media_id,
                 m.media_mime_type, m.media_sha256, m.media_caption, m.media_filename,
                 m.media_placeholder, m.history_status, m.status, m.status_rank, m.status_at,
                 m.edit_count, m.edited_at, m.revoked, m.revoked_at, m.errors
            FROM messages m JOIN customers c ON c.id = m.thread_id
           ORDER BY m.phone_number_id, m.wamid
          """,
          """
          SELECT * FROM message_statuses ORDER BY phone_number_id, wamid, status_at, status
          """,
          "SELECT * FROM message_actions ORDER BY phone_number_id, wamid",
          "SELECT * FROM awaiting_messages ORDER BY phone_number_id, wamid",
          """
          SELECT location, kind, message, item FROM journal_problems
           ORDER BY location, kind, message, item
          """,
          """
          SELECT j.body_sha256, COALESCE(o.state, j.state), COALESCE(o.error, j.error)
            FROM journal j LEFT JOIN entry_outcomes o ON o.journal_id = j.id
           WHERE j.state <> 'duplicate' ORDER BY 1
          """);

  private StoreDump() {}

  static String of(final StoreHarness store) throws SQLException {
    final StringBuilder dump = new StringBuilder();
    for (final String query : QUERIES) {
      dump.append("## ").append(query.strip().replaceAll("\\s+", " ")).append('\n');
      for (final List<Object> row : store.rows(query)) {
        dump.append(row).append('\n');
      }
    }
    return dump.toString();
  }
}
