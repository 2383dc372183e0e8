package dev.coexist.store;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only queries over the store, for the API and the inbox. Lists use keyset pagination; the
 * history sync state is evaluated at read time against the clock, so {@code stalled} needs no
 * timer.
 */
public final class StoreQueries {
  private static final String NUMBERS =
      """
      SELECT phone_number_id, display_phone_number, display_digits, waba_id, first_seen_at,
             last_seen_at
        FROM numbers
      """;

  private static final String ACCOUNT =
      """
      SELECT event, reason, initiated_by, received_at FROM account_events
       WHERE phone_number_id = ? OR (phone_digits IS NOT NULL AND phone_digits = ?)
       ORDER BY journal_id DESC
       LIMIT 1
      """;

  private static final String PHASES =
      """
      SELECT phase, count(*) AS chunks, max(chunk_order) AS highest, sum(messages) AS messages,
             max(progress) AS progress, min(received_at) AS first_at, max(received_at) AS last_at,
             min(CASE WHEN progress = 100 THEN received_at END) AS completed_at
        FROM history_chunks
       WHERE phone_number_id = ?
       GROUP BY phase
       ORDER BY phase
      """;

  private static final String DECLINE =
      "SELECT code, title, details, received_at FROM history_declines WHERE phone_number_id = ?";

  private static final String CONTACTS_SYNC =
      """
      SELECT count(*), COALESCE(sum(removed), 0), max(changed_at)
        FROM contacts WHERE phone_number_id = ?
      """;

  private static final String THREAD_COLUMNS =
      """
      SELECT t.id, t.phone_number_id, c.phone, c.user_id, c.parent_user_id, c.username,
             COALESCE(CASE WHEN k.removed = 0 THEN k.full_name END, c.profile_name, c.username,
                      c.phone, c.user_id) AS display_name,
             t.message_count, t.inbound_count, t.outbound_count, t.unread_count,
             t.last_message_at, t.last_message_wamid, t.last_direction, t.last_preview,
             t.last_live_inbound_at
        FROM threads t
        JOIN customers c ON c.id = t.id
        LEFT JOIN contacts k ON k.customer_id = t.id
      """;

  private static final String THREADS =
      THREAD_COLUMNS
          + """
             WHERE t.phone_number_id = ?
               AND (t.last_message_at < ? OR (t.last_message_at = ? AND t.id < ?))
             ORDER BY t.last_message_at DESC, t.id DESC
             LIMIT ?
            """;

  private static final String THREAD = THREAD_COLUMNS + " WHERE t.phone_number_id = ? AND t.id = ?";

  private static final String MESSAGE_COLUMNS =
      """
      SELECT id, phone_number_id, wamid, thread_id, direction, sources, type, content, text,
             text_original, sent_at, reply_to_wamid, media_id, media_mime_type, media_sha256,
             media_caption, media_filename, media_placeholder, history_status, status, status_at,
             edit_count, edited_at, revoked, revoked_at, errors
        FROM messages
      """;

  private static final String MESSAGES_AFTER =
      MESSAGE_COLUMNS
          + """
             WHERE phone_number_id = ? AND thread_id = ?
               AND (sent_at > ? OR (sent_at = ? AND id > ?))
             ORDER BY sent_at, id
             LIMIT ?
            """;

  private static final String MESSAGES_BEFORE =
      MESSAGE_COLUMNS
          + """
             WHERE phone_number_id = ? AND thread_id = ?
               AND (sent_at < ? OR (sent_at = ? AND id < ?))
             ORDER BY sent_at DESC, id DESC
             LIMIT ?
            """;

  private static final String MESSAGE =
      MESSAGE_COLUMNS + " WHERE phone_number_id = ? AND wamid = ?";

  private static final String STATUSES =
      """
      SELECT status, status_at, recipient_phone, recipient_user_id, errors, pricing,
             biz_opaque_callback_data
        FROM message_statuses
       WHERE phone_number_id = ? AND wamid = ?
       ORDER BY status_at, status_rank, status
      """;

  private static final String ACTIONS =
      """
      SELECT wamid, kind, direction, sources, actor, acted_at, emoji, text
        FROM message_actions
       WHERE phone_number_id = ? AND target_wamid = ?
       ORDER BY acted_at, wamid
      """;

  // %s: one placeholder per wamid of the page (at most a page limit of them)
  private static final String REACTIONS_OF_PAGE =
      """
      SELECT target_wamid, wamid, kind, direction, sources, actor, acted_at, emoji, text
        FROM message_actions
       WHERE phone_number_id = ? AND kind = 'reaction' AND target_wamid IN (%s)
       ORDER BY acted_at, wamid
      """;

  private static final String CONTACTS =
      """
      SELECT c.id, c.phone, c.user_id, c.parent_user_id, c.username, c.profile_name,
             k.full_name, k.first_name, k.removed, k.changed_at,
             COALESCE(CASE WHEN k.removed = 0 THEN k.full_name END, c.profile_name, c.username,
                      c.phone, c.user_id) AS display_name
        FROM customers c
        LEFT JOIN contacts k ON k.customer_id = c.id
       WHERE c.phone_number_id = ? AND c.id > ?
         AND (k.customer_id IS NOT NULL OR c.profile_name IS NOT NULL)
       ORDER BY c.id
       LIMIT ?
      """;

  private static final String PARTNER_EVENTS =
      """
      SELECT journal_id, event, delivery_id, payload, received_at FROM partner_events
       WHERE journal_id > ? ORDER BY journal_id, location LIMIT ?
      """;

  private final Database database;
  private final Clock clock;
  private final Duration stallAfter;

  /**
   * @param stallAfter a history sync in progress with no chunk for this long is {@code stalled}
   */
  public StoreQueries(final Database database, final Clock clock, final Duration stallAfter) {
    this.database = database;
    this.clock = clock;
    this.stallAfter = stallAfter;
  }

  /** Every number, with its history sync and contacts sync state, ordered by phone_number_id. */
  public List<NumberView> numbers() throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(NUMBERS + " ORDER BY phone_number_id")) {
      final List<NumberView> numbers = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          numbers.add(number(connection, rows));
        }
      }
      return numbers;
    }
  }

  /** One number with its per-phase history progress. */
  public Optional<NumberView> number(final String phoneNumberId) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(NUMBERS + " WHERE phone_number_id = ?")) {
      select.setString(1, phoneNumberId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(number(connection, row)) : Optional.empty();
      }
    }
  }

  private NumberView number(final Connection connection, final ResultSet row) throws SQLException {
    final String id = row.getString("phone_number_id");
    return new NumberView(
        id,
        row.getString("display_phone_number"),
        row.getString("waba_id"),
        millis(row.getLong("first_seen_at")),
        millis(row.getLong("last_seen_at")),
        account(connection, id, row.getString("display_digits")),
        history(connection, id),
        contactsSync(connection, id));
  }

  private static AccountState account(
      final Connection connection, final String id, final String digits) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(ACCOUNT)) {
      select.setString(1, id);
      select.setString(2, digits);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? new AccountState(
                row.getString(1), row.getString(2), row.getString(3), millis(row.getLong(4)))
            : null;
      }
    }
  }

  private HistorySync history(final Connection connection, final String id) throws SQLException {
    final List<PhaseProgress> phases = new ArrayList<>();
    Integer progress = null;
    int chunks = 0;
    long messages = 0;
    long firstAt = 0;
    long lastAt = 0;
    long completedAt = 0;
    try (PreparedStatement select = connection.prepareStatement(PHASES)) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final PhaseProgress phase =
              new PhaseProgress(
                  rows.getInt("phase"),
                  rows.getInt("chunks"),
                  rows.getInt("highest"),
                  rows.getLong("messages"));
          phases.add(phase);
          chunks += phase.chunks();
          messages += phase.messages();
          final int phaseProgress = rows.getInt("progress");
          if (!rows.wasNull() && (progress == null || phaseProgress > progress)) {
            progress = phaseProgress;
          }
          firstAt = earliest(firstAt, rows.getLong("first_at"));
          lastAt = Math.max(lastAt, rows.getLong("last_at"));
          completedAt = earliest(completedAt, rows.getLong("completed_at"));
        }
      }
    }
    Integer declinedCode = null;
    String declinedTitle = null;
    String declinedDetails = null;
    Instant declinedAt = null;
    boolean declined = false;
    try (PreparedStatement select = connection.prepareStatement(DECLINE)) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          declined = true;
          final int code = row.getInt(1);
          declinedCode = row.wasNull() ? null : code;
          declinedTitle = row.getString(2);
          declinedDetails = row.getString(3);
          declinedAt = millis(row.getLong(4));
        }
      }
    }
    final HistorySyncState state;
    if (declined) {
      state = HistorySyncState.DECLINED;
    } else if (completedAt > 0) {
      state = HistorySyncState.COMPLETED;
    } else if (chunks == 0) {
      state = HistorySyncState.NOT_STARTED;
    } else if (clock.millis() - lastAt > stallAfter.toMillis()) {
      state = HistorySyncState.STALLED;
    } else {
      state = HistorySyncState.IN_PROGRESS;
    }
    return new HistorySync(
        state,
        progress,
        chunks,
        messages,
        millis(firstAt),
        millis(lastAt),
        millis(completedAt),
        declinedCode,
        declinedTitle,
        declinedDetails,
        declinedAt,
        phases);
  }

  private static ContactsSync contactsSync(final Connection connection, final String id)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(CONTACTS_SYNC)) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return new ContactsSync(row.getInt(1), row.getInt(2), seconds(row.getLong(3)));
      }
    }
  }

  /**
   * Threads of a number, newest activity first.
   *
   * @param after the {@link Page#next()} of the previous page, or null for the first page
   */
  public Page<ThreadView, ThreadCursor> threads(
      final String phoneNumberId, final ThreadCursor after, final int limit) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(THREADS)) {
      select.setString(1, phoneNumberId);
      select.setLong(2, after == null ? Long.MAX_VALUE : after.lastMessageAt());
      select.setLong(3, after == null ? Long.MAX_VALUE : after.lastMessageAt());
      select.setLong(4, after == null ? Long.MAX_VALUE : after.threadId());
      select.setInt(5, limit + 1);
      final List<ThreadView> threads = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          threads.add(thread(rows));
        }
      }
      if (threads.size() <= limit) {
        return new Page<>(threads, null);
      }
      final ThreadView last = threads.get(limit - 1);
      return new Page<>(
          threads.subList(0, limit),
          new ThreadCursor(
              last.lastMessageAt() == null ? 0 : last.lastMessageAt().getEpochSecond(),
              last.threadId()));
    }
  }

  public Optional<ThreadView> thread(final String phoneNumberId, final long threadId)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(THREAD)) {
      select.setString(1, phoneNumberId);
      select.setLong(2, threadId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(thread(row)) : Optional.empty();
      }
    }
  }

  private static ThreadView thread(final ResultSet row) throws SQLException {
    final long lastLiveInbound = row.getLong("last_live_inbound_at");
    return new ThreadView(
        row.getLong("id"),
        row.getString("phone_number_id"),
        new CustomerIdentity(
            row.getString("phone"),
            row.getString("user_id"),
            row.getString("parent_user_id"),
            row.getString("username")),
        row.getString("display_name"),
        row.getInt("message_count"),
        row.getInt("inbound_count"),
        row.getInt("outbound_count"),
        row.getInt("unread_count"),
        seconds(row.getLong("last_message_at")),
        row.getString("last_message_wamid"),
        row.getString("last_direction"),
        row.getString("last_preview"),
        row.wasNull() && lastLiveInbound == 0 ? null : seconds(lastLiveInbound));
  }

  /**
   * Messages of a thread, oldest first. With neither cursor: the oldest page. With {@code after}:
   * the page after it. With {@code before}: the page just before it (still oldest first).
   */
  public MessagePage messages(
      final String phoneNumberId,
      final long threadId,
      final MessageCursor before,
      final MessageCursor after,
      final int limit)
      throws SQLException {
    final boolean backwards = before != null;
    final MessageCursor from =
        backwards ? before : after != null ? after : new MessageCursor(Long.MIN_VALUE, 0);
    try (Connection connection = database.pool().getConnection()) {
      final List<MessageView> page = new ArrayList<>();
      final boolean more;
      try (PreparedStatement select =
          connection.prepareStatement(backwards ? MESSAGES_BEFORE : MESSAGES_AFTER)) {
        bindPage(select, phoneNumberId, threadId, from, limit + 1);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            page.add(message(rows));
          }
        }
        more = page.size() > limit;
        if (more) {
          page.remove(page.size() - 1);
        }
      }
      if (backwards) {
        Collections.reverse(page);
      }
      if (page.isEmpty()) {
        return new MessagePage(page, null, null);
      }
      final MessageCursor first = page.get(0).cursor();
      final MessageCursor last = page.get(page.size() - 1).cursor();
      final boolean older =
          backwards ? more : exists(connection, MESSAGES_BEFORE, phoneNumberId, threadId, first);
      final boolean newer =
          backwards ? exists(connection, MESSAGES_AFTER, phoneNumberId, threadId, last) : more;
      return new MessagePage(page, older ? first : null, newer ? last : null);
    }
  }

  private static boolean exists(
      final Connection connection,
      final String sql,
      final String phoneNumberId,
      final long threadId,
      final MessageCursor from)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      bindPage(select, phoneNumberId, threadId, from, 1);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static void bindPage(
      final PreparedStatement select,
      final String phoneNumberId,
      final long threadId,
      final MessageCursor from,
      final int limit)
      throws SQLException {
    select.setString(1, phoneNumberId);
    select.setLong(2, threadId);
    select.setLong(3, from.sentAt());
    select.setLong(4, from.sentAt());
    select.setLong(5, from.id());
    select.setInt(6, limit);
  }

  /**
   * One message with its status history, edits, revokes and reactions, looked up by wamid in every
   * number (a wamid is unique per number; should two numbers hold it, the first number wins).
   */
  public Optional<MessageDetail> message(final String wamid) throws SQLException {
    // one connection for all the queries: a live message is read this way right after it is
    // announced. Each number is probed through its (phone_number_id, wamid) key: a single query
    // over all numbers leaves the plan to the statistics, and a fresh table has none.
    try (Connection connection = database.pool().getConnection()) {
      final List<String> numbers = new ArrayList<>();
      try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT phone_number_id FROM numbers ORDER BY phone_number_id");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          numbers.add(rows.getString(1));
        }
      }
      for (final String number : numbers) {
        final Optional<MessageView> found = messageRow(connection, number, wamid);
        if (found.isPresent()) {
          return Optional.of(detail(connection, found.get()));
        }
      }
      return Optional.empty();
    }
  }

  public Optional<MessageDetail> message(final String phoneNumberId, final String wamid)
      throws SQLException {
    try (Connection connection = database.pool().getConnection()) {
      final Optional<MessageView> found = messageRow(connection, phoneNumberId, wamid);
      return found.isPresent() ? Optional.of(detail(connection, found.get())) : Optional.empty();
    }
  }

  private Optional<MessageView> messageRow(
      final Connection connection, final String phoneNumberId, final String wamid)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(MESSAGE)) {
      select.setString(1, phoneNumberId);
      select.setString(2, wamid);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(message(row)) : Optional.empty();
      }
    }
  }

  /** The status history, edits, revokes and reactions of {@code message}. */
  private MessageDetail detail(final Connection connection, final MessageView message)
      throws SQLException {
    final String phoneNumberId = message.phoneNumberId();
    final String wamid = message.wamid();
    final List<StatusView> statuses = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(STATUSES)) {
      select.setString(1, phoneNumberId);
      select.setString(2, wamid);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          statuses.add(
              new StatusView(
                  rows.getString(1),
                  seconds(rows.getLong(2)),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getString(5),
                  rows.getString(6),
                  rows.getString(7)));
        }
      }
    }
    final List<ActionView> edits = new ArrayList<>();
    final List<ActionView> revokes = new ArrayList<>();
    final List<ActionView> reactionEvents = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(ACTIONS)) {
      select.setString(1, phoneNumberId);
      select.setString(2, wamid);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final ActionView action = action(rows);
          switch (action.kind()) {
            case "edit" -> edits.add(action);
            case "revoke" -> revokes.add(action);
            default -> reactionEvents.add(action);
          }
        }
      }
    }
    return new MessageDetail(
        message, statuses, edits, revokes, reactionEvents, currentReactions(reactionEvents));
  }

  /**
   * The current reactions of each of {@code wamids} (one page of a thread), in one query: a map
   * from target wamid to its reactions; messages without any are absent.
   */
  public Map<String, List<ActionView>> reactions(
      final String phoneNumberId, final List<String> wamids) throws SQLException {
    if (wamids.isEmpty()) {
      return Map.of();
    }
    final String placeholders =
        String.join(", ", java.util.Collections.nCopies(wamids.size(), "?"));
    final Map<String, List<ActionView>> events = new LinkedHashMap<>();
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select =
            connection.prepareStatement(REACTIONS_OF_PAGE.formatted(placeholders))) {
      select.setString(1, phoneNumberId);
      for (int index = 0; index < wamids.size(); index++) {
        select.setString(index + 2, wamids.get(index));
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events
              .computeIfAbsent(rows.getString("target_wamid"), target -> new ArrayList<>())
              .add(action(rows));
        }
      }
    }
    final Map<String, List<ActionView>> current = new LinkedHashMap<>();
    events.forEach((target, reactions) -> current.put(target, currentReactions(reactions)));
    return current;
  }

  /**
   * Reactions oldest first: the last one of each actor is its current one; an empty emoji removes.
   */
  private static List<ActionView> currentReactions(final List<ActionView> reactionEvents) {
    final Map<String, ActionView> current = new LinkedHashMap<>();
    for (final ActionView reaction : reactionEvents) {
      current.remove(String.valueOf(reaction.actor()));
      if (reaction.emoji() != null && !reaction.emoji().isEmpty()) {
        current.put(String.valueOf(reaction.actor()), reaction);
      }
    }
    return List.copyOf(current.values());
  }

  private static ActionView action(final ResultSet rows) throws SQLException {
    return new ActionView(
        rows.getString("wamid"),
        rows.getString("kind"),
        rows.getString("direction"),
        MessageSource.of(rows.getInt("sources")),
        rows.getString("actor"),
        seconds(rows.getLong("acted_at")),
        rows.getString("emoji"),
        rows.getString("text"));
  }

  private static MessageView message(final ResultSet row) throws SQLException {
    final String mediaId = row.getString("media_id");
    final boolean placeholder = row.getInt("media_placeholder") == 1;
    final long editedAt = row.getLong("edited_at");
    final long revokedAt = row.getLong("revoked_at");
    return new MessageView(
        row.getLong("id"),
        row.getString("phone_number_id"),
        row.getString("wamid"),
        row.getLong("thread_id"),
        row.getString("direction"),
        MessageSource.of(row.getInt("sources")),
        row.getString("type"),
        StoredContent.read(
            row.getString("type"), row.getString("content"), row.getString("text_original")),
        row.getString("text"),
        row.getString("text_original"),
        seconds(row.getLong("sent_at")),
        row.getString("reply_to_wamid"),
        mediaId == null && !placeholder
            ? null
            : new MediaView(
                mediaId,
                row.getString("media_mime_type"),
                row.getString("media_sha256"),
                row.getString("media_caption"),
                row.getString("media_filename"),
                placeholder),
        row.getString("history_status"),
        row.getString("status"),
        seconds(row.getLong("status_at")),
        row.getInt("edit_count"),
        seconds(editedAt),
        row.getInt("revoked") == 1,
        seconds(revokedAt),
        row.getString("errors"));
  }

  /**
   * Contacts of a number by customer id: the address book, and customers known only by their
   * profile name.
   *
   * @param afterCustomerId the {@link Page#next()} of the previous page, 0 for the first
   */
  public Page<ContactView, Long> contacts(
      final String phoneNumberId, final long afterCustomerId, final int limit) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(CONTACTS)) {
      select.setString(1, phoneNumberId);
      select.setLong(2, afterCustomerId);
      select.setInt(3, limit + 1);
      final List<ContactView> contacts = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          final int removed = rows.getInt("removed");
          final boolean inAddressBook = !rows.wasNull();
          contacts.add(
              new ContactView(
                  rows.getLong("id"),
                  new CustomerIdentity(
                      rows.getString("phone"),
                      rows.getString("user_id"),
                      rows.getString("parent_user_id"),
                      rows.getString("username")),
                  rows.getString("display_name"),
                  rows.getString("full_name"),
                  rows.getString("first_name"),
                  rows.getString("profile_name"),
                  inAddressBook ? "app_sync" : "message_profile",
                  removed == 1,
                  inAddressBook ? seconds(rows.getLong("changed_at")) : null));
        }
      }
      if (contacts.size() <= limit) {
        return new Page<>(contacts, null);
      }
      return new Page<>(contacts.subList(0, limit), contacts.get(limit - 1).customerId());
    }
  }

  /** Partner events in journal order, after the journal id {@code afterJournalId}. */
  public List<PartnerEventView> partnerEvents(final long afterJournalId, final int limit)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(PARTNER_EVENTS)) {
      select.setLong(1, afterJournalId);
      select.setInt(2, limit);
      final List<PartnerEventView> events = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(
              new PartnerEventView(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getString(4),
                  millis(rows.getLong(5))));
        }
      }
      return events;
    }
  }

  private static long earliest(final long current, final long candidate) {
    if (candidate <= 0) {
      return current;
    }
    return current <= 0 ? candidate : Math.min(current, candidate);
  }

  /** Epoch seconds of WhatsApp facts; 0 (unknown) is null. */
  private static Instant seconds(final long epochSeconds) {
    return epochSeconds == 0 ? null : Instant.ofEpochSecond(epochSeconds);
  }

  /** Epoch milliseconds of arrival times; 0 is null. */
  private static Instant millis(final long epochMillis) {
    return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis);
  }
}
