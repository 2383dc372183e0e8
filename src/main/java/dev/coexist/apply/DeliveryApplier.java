package dev.coexist.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.apply.MessageWriter.MessageWrite;
import dev.coexist.coexistence.AccountUpdate;
import dev.coexist.coexistence.ApiError;
import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.ContactAction;
import dev.coexist.coexistence.ContactChange;
import dev.coexist.coexistence.DecodeProblem;
import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryDeclined;
import dev.coexist.coexistence.HistoryMedia;
import dev.coexist.coexistence.HistoryMessage;
import dev.coexist.coexistence.HistoryThread;
import dev.coexist.coexistence.InboundMessage;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.MessageEcho;
import dev.coexist.coexistence.Origin;
import dev.coexist.coexistence.PartnerEvent;
import dev.coexist.coexistence.Party;
import dev.coexist.coexistence.PlatformErrors;
import dev.coexist.coexistence.StatusUpdate;
import dev.coexist.coexistence.UnknownChange;
import dev.coexist.journal.PendingEntry;
import dev.coexist.store.MessageSource;
import dev.coexist.store.StoredContent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the decoded events of one journal entry to the store, inside the caller's transaction.
 * Each event runs under its own savepoint: an event that cannot be applied becomes a row of {@code
 * journal_problems} and the other events of the delivery are applied regardless.
 */
final class DeliveryApplier {
  private static final Set<String> ACTIONS = Set.of("edit", "revoke", "reaction");

  private static final String UPSERT_NUMBER =
      """
      INSERT INTO numbers (phone_number_id, display_phone_number, display_digits, waba_id,
                           first_seen_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (phone_number_id) DO UPDATE SET
        display_phone_number = COALESCE(excluded.display_phone_number, numbers.display_phone_number),
        display_digits = COALESCE(excluded.display_digits, numbers.display_digits),
        waba_id = COALESCE(excluded.waba_id, numbers.waba_id),
        first_seen_at = CASE WHEN excluded.first_seen_at < numbers.first_seen_at
                             THEN excluded.first_seen_at ELSE numbers.first_seen_at END,
        last_seen_at = CASE WHEN excluded.last_seen_at > numbers.last_seen_at
                            THEN excluded.last_seen_at ELSE numbers.last_seen_at END
      """;

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

  // the newest metadata.timestamp wins; ties go to remove, then to the greater name (order-free)
  private static final String UPSERT_CONTACT =
      """
      INSERT INTO contacts (customer_id, phone_number_id, full_name, first_name, username, action,
                            removed, changed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (customer_id) DO UPDATE SET
        full_name = excluded.full_name, first_name = excluded.first_name,
        username = excluded.username, action = excluded.action, removed = excluded.removed,
        changed_at = excluded.changed_at
      WHERE excluded.changed_at > contacts.changed_at
         OR (excluded.changed_at = contacts.changed_at
             AND (excluded.removed > contacts.removed
                  OR (excluded.removed = contacts.removed
                      AND COALESCE(excluded.full_name, '') > COALESCE(contacts.full_name, ''))))
      """;

  private static final String INSERT_ACCOUNT_EVENT =
      """
      INSERT INTO account_events (journal_id, location, waba_id, phone_number_id, phone_digits,
                                  event, reason, initiated_by, received_at, payload)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (journal_id, location) DO NOTHING
      """;

  private static final String INSERT_PARTNER_EVENT =
      """
      INSERT INTO partner_events (journal_id, location, event, delivery_id, payload, received_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (journal_id, location) DO NOTHING
      """;

  private DeliveryApplier() {}

  /** What one entry added to the store, for metrics. */
  record Applied(int events, int messages, int problems) {}

  /**
   * Applies the entry, except the threads of its history chunk before {@code fromThread}: those
   * were written by {@link #applyThreads} in transactions of their own.
   *
   * @param contents the JSON text of each message's content node, prepared by {@link
   *     #contents(Decoded)} while the previous entries were written
   * @param eventsIsolated each event under a savepoint: one that fails is recorded as a problem and
   *     the others are kept. Without, the first failure throws, and the caller rolls back and
   *     applies the entry again with them.
   */
  static Applied apply(
      final WriteSession session,
      final PendingEntry entry,
      final Decoded decoded,
      final Map<JsonNode, String> contents,
      final int fromThread,
      final boolean eventsIsolated)
      throws SQLException {
    final ProblemWriter problems = ProblemWriter.startingOver(session, entry.id());
    for (final DecodeProblem problem : decoded.problems()) {
      problems.add(problem.location(), "decode", problem.message(), problem.item());
    }
    problems.addUnkept(decoded.problemCount() - decoded.problems().size());
    numbers(session, entry, decoded.events());
    int messages = 0;
    for (final CoexistenceEvent event : decoded.events()) {
      if (!eventsIsolated) {
        messages += event(session, entry, event, contents, fromThread, problems);
        continue;
      }
      final Savepoint savepoint = session.savepoint();
      try {
        messages += event(session, entry, event, contents, fromThread, problems);
        session.release(savepoint);
      } catch (SQLException | RuntimeException failed) {
        session.rollbackTo(savepoint);
        problems.add(event.origin().location(), "apply", describe(failed), event.raw());
      }
    }
    problems.finish();
    return new Applied(decoded.events().size(), messages, problems.count());
  }

  /**
   * The history chunk of an entry that is nothing else, when it holds more than {@code
   * messagesPerPart} messages: it may then be written a part at a time (see {@link #applyThreads}).
   * Null otherwise.
   */
  static HistoryChunk partableChunk(final Decoded decoded, final int messagesPerPart) {
    if (decoded == null
        || !decoded.problems().isEmpty()
        || decoded.events().size() != 1
        || !(decoded.events().get(0) instanceof HistoryChunk chunk)
        || chunk.messageCount() <= messagesPerPart) {
      return null;
    }
    for (final HistoryThread thread : chunk.threads()) {
      // a thread without a customer fails the whole chunk: that must happen before any part
      if (!Customers.identifies(thread.customer())) {
        return null;
      }
    }
    return chunk;
  }

  /**
   * Writes the customers, threads and messages of threads {@code [from, to)} of a big history
   * chunk, inside the caller's transaction, so that the chunk's transaction that follows (and
   * counts the chunk and marks the entry applied) is short. Nothing here depends on the rest of the
   * chunk, and every write is an upsert: a crash between parts leaves the entry pending, and it is
   * applied again whole. Returns the messages written; throws what the whole chunk would record as
   * its problem, in which case the caller applies the entry whole.
   */
  static int applyThreads(
      final WriteSession session,
      final HistoryChunk chunk,
      final int from,
      final int to,
      final Map<JsonNode, String> contents)
      throws SQLException {
    return threads(session, number(chunk.origin()), chunk.threads().subList(from, to), contents);
  }

  /** Returns the number of messages written. */
  private static int event(
      final WriteSession session,
      final PendingEntry entry,
      final CoexistenceEvent event,
      final Map<JsonNode, String> contents,
      final int fromThread,
      final ProblemWriter problems)
      throws SQLException {
    return switch (event) {
      case HistoryChunk chunk -> chunk(session, entry, chunk, contents, fromThread);
      case HistoryDeclined declined -> {
        declined(session, entry, declined);
        yield 0;
      }
      case HistoryMedia media -> {
        message(
            session,
            media.origin(),
            media.message(),
            MessageSource.MEDIA_FOLLOWUP,
            contents,
            media.contact() == null ? null : media.contact().party(),
            media.contact() == null ? null : media.contact().profileName());
        yield 1;
      }
      case InboundMessage inbound -> {
        message(
            session,
            inbound.origin(),
            inbound.message(),
            MessageSource.LIVE,
            contents,
            inbound.sender() == null ? null : inbound.sender().party(),
            inbound.sender() == null ? null : inbound.sender().profileName());
        yield 1;
      }
      case MessageEcho echo -> {
        message(
            session,
            echo.origin(),
            echo.message(),
            MessageSource.ECHO,
            contents,
            echo.recipient() == null ? null : echo.recipient().party(),
            null);
        yield 1;
      }
      case StatusUpdate status -> {
        MessageWriter.status(session, number(status.origin()), status);
        yield 0;
      }
      case ContactChange change -> {
        contact(session, change);
        yield 0;
      }
      case AccountUpdate update -> {
        accountEvent(session, entry, update);
        yield 0;
      }
      case PartnerEvent partner -> {
        partnerEvent(session, entry, partner);
        yield 0;
      }
      case PlatformErrors errors -> {
        problems.add(
            errors.origin().location(), "platform_error", describe(errors.errors()), errors.raw());
        yield 0;
      }
      case UnknownChange unknown -> {
        problems.add(
            unknown.origin().location(), "unknown_change", unknown.reason(), unknown.raw());
        yield 0;
      }
    };
  }

  private static int chunk(
      final WriteSession session,
      final PendingEntry entry,
      final HistoryChunk chunk,
      final Map<JsonNode, String> contents,
      final int fromThread)
      throws SQLException {
    final String number = number(chunk.origin());
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
        session, number, chunk.threads().subList(fromThread, chunk.threads().size()), contents);
  }

  private static int threads(
      final WriteSession session,
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
    final long[] customers = Customers.resolveAll(session, number, parties);
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
        if (isAction(item.message())) {
          actions.add(item.message());
        } else {
          writes.add(
              new MessageWrite(
                  item.message(),
                  customer,
                  MessageSource.HISTORY,
                  item.status(),
                  content(contents, item.message())));
          threadsWithMessages.add(customer);
        }
      }
    }
    Customers.ensureThreads(session, threadsWithMessages, number);
    MessageWriter.upsert(session, number, writes);
    for (final Message action : actions) {
      action(session, number, action, MessageSource.HISTORY);
    }
    return writes.size();
  }

  private static void message(
      final WriteSession session,
      final Origin origin,
      final Message message,
      final MessageSource source,
      final Map<JsonNode, String> contents,
      final Party profile,
      final String profileName)
      throws SQLException {
    final String number = number(origin);
    if (isAction(message)) {
      action(session, number, message, source);
      return;
    }
    final long customer = Customers.resolve(session, number, message.customer(), profile);
    if (customer < 0) {
      throw new IllegalArgumentException(
          "message " + message.wamid() + " names no customer (no phone number, no user id)");
    }
    Customers.profileName(
        session, customer, profileName, MessageWriter.seconds(message.timestamp()));
    Customers.ensureThread(session, customer, number);
    MessageWriter.upsert(
        session,
        number,
        List.of(new MessageWrite(message, customer, source, null, content(contents, message))));
  }

  private static void action(
      final WriteSession session,
      final String number,
      final Message message,
      final MessageSource source)
      throws SQLException {
    if (message.targetWamid() == null || message.targetWamid().isBlank()) {
      throw new IllegalArgumentException(
          message.type() + " " + message.wamid() + " does not name the message it acts on");
    }
    MessageWriter.action(session, number, message, message.type(), source);
  }

  /**
   * The content JSON of every message of a delivery that stores one ({@link StoredContent}), keyed
   * by node identity. Serialising is a good part of the cost of a big chunk, so it is done with
   * decoding, ahead of the writer.
   */
  static Map<JsonNode, String> contents(final Decoded decoded) {
    final Map<JsonNode, String> contents = new IdentityHashMap<>();
    for (final CoexistenceEvent event : decoded.events()) {
      switch (event) {
        case HistoryChunk chunk -> {
          for (final HistoryThread thread : chunk.threads()) {
            for (final HistoryMessage item : thread.messages()) {
              put(contents, item.message());
            }
          }
        }
        case HistoryMedia media -> put(contents, media.message());
        case InboundMessage inbound -> put(contents, inbound.message());
        case MessageEcho echo -> put(contents, echo.message());
        default -> {
          // no message content
        }
      }
    }
    return contents;
  }

  private static void put(final Map<JsonNode, String> contents, final Message message) {
    if (message.content() != null) {
      contents.put(message.content(), StoredContent.json(message)); // null when implied
    }
  }

  private static String content(final Map<JsonNode, String> contents, final Message message) {
    return contents.containsKey(message.content())
        ? contents.get(message.content())
        : StoredContent.json(message);
  }

  private static boolean isAction(final Message message) {
    return message.type() != null && ACTIONS.contains(message.type());
  }

  private static void declined(
      final WriteSession session, final PendingEntry entry, final HistoryDeclined declined)
      throws SQLException {
    final ApiError first = declined.errors().isEmpty() ? null : declined.errors().get(0);
    final PreparedStatement insert = session.prepare(INSERT_DECLINE);
    insert.setString(1, number(declined.origin()));
    if (first == null || first.code() == null) {
      insert.setNull(2, Types.INTEGER);
    } else {
      insert.setInt(2, first.code());
    }
    insert.setString(3, first == null ? null : first.title());
    insert.setString(4, first == null ? null : first.message());
    insert.setString(5, first == null ? null : first.details());
    insert.setString(6, MessageWriter.json(declined.errors()));
    insert.setLong(7, entry.receivedAtMillis());
    insert.executeUpdate();
  }

  private static void contact(final WriteSession session, final ContactChange change)
      throws SQLException {
    if (change.action() == ContactAction.UNKNOWN) {
      throw new IllegalArgumentException("unknown contact action '" + change.actionValue() + "'");
    }
    final String number = number(change.origin());
    final long customer = Customers.resolve(session, number, change.contact(), null);
    if (customer < 0) {
      throw new IllegalArgumentException("contact without phone number or user id");
    }
    final boolean removed = change.action() == ContactAction.REMOVE;
    final PreparedStatement upsert = session.prepare(UPSERT_CONTACT);
    upsert.setLong(1, customer);
    upsert.setString(2, number);
    upsert.setString(3, removed ? null : change.fullName());
    upsert.setString(4, removed ? null : change.firstName());
    upsert.setString(5, change.contact().username());
    upsert.setString(6, change.actionValue());
    upsert.setInt(7, removed ? 1 : 0);
    upsert.setLong(8, MessageWriter.seconds(change.timestamp()));
    upsert.executeUpdate();
  }

  private static void accountEvent(
      final WriteSession session, final PendingEntry entry, final AccountUpdate update)
      throws SQLException {
    final Origin origin = update.origin();
    final PreparedStatement insert = session.prepare(INSERT_ACCOUNT_EVENT);
    insert.setLong(1, entry.id());
    insert.setString(2, origin.location());
    insert.setString(3, origin.wabaId());
    insert.setString(4, origin.phoneNumberId());
    insert.setString(
        5,
        Customers.digits(
            update.phoneNumber() != null ? update.phoneNumber() : origin.displayPhoneNumber()));
    insert.setString(6, update.event());
    insert.setString(7, update.disconnectionReason());
    insert.setString(8, update.initiatedBy());
    insert.setLong(9, entry.receivedAtMillis());
    insert.setString(10, ProblemWriter.clip(update.raw()));
    insert.executeUpdate();
  }

  private static void partnerEvent(
      final WriteSession session, final PendingEntry entry, final PartnerEvent partner)
      throws SQLException {
    final PreparedStatement insert = session.prepare(INSERT_PARTNER_EVENT);
    insert.setLong(1, entry.id());
    insert.setString(2, partner.origin().location());
    insert.setString(3, partner.event());
    insert.setString(4, partner.origin().deliveryId());
    insert.setString(5, partner.raw().toString());
    insert.setLong(6, entry.receivedAtMillis());
    insert.executeUpdate();
  }

  /** Every business number the delivery speaks of, seen now (before any event can fail). */
  private static void numbers(
      final WriteSession session, final PendingEntry entry, final List<CoexistenceEvent> events)
      throws SQLException {
    final Map<String, Origin> numbers = new LinkedHashMap<>();
    for (final CoexistenceEvent event : events) {
      final Origin origin = event.origin();
      if (origin.phoneNumberId() != null && !origin.phoneNumberId().isBlank()) {
        numbers.putIfAbsent(origin.phoneNumberId(), origin);
      }
    }
    for (final Origin origin : numbers.values()) {
      final PreparedStatement upsert = session.prepare(UPSERT_NUMBER);
      upsert.setString(1, origin.phoneNumberId());
      upsert.setString(2, origin.displayPhoneNumber());
      upsert.setString(3, Customers.digits(origin.displayPhoneNumber()));
      upsert.setString(4, origin.wabaId());
      upsert.setLong(5, entry.receivedAtMillis());
      upsert.setLong(6, entry.receivedAtMillis());
      upsert.executeUpdate();
    }
  }

  private static String number(final Origin origin) {
    if (origin.phoneNumberId() == null || origin.phoneNumberId().isBlank()) {
      throw new IllegalArgumentException(
          "no metadata.phone_number_id: cannot tell which business number this belongs to");
    }
    return origin.phoneNumberId();
  }

  private static String describe(final List<ApiError> errors) {
    final StringBuilder text = new StringBuilder();
    for (final ApiError error : errors) {
      if (!text.isEmpty()) {
        text.append("; ");
      }
      text.append(error.code()).append(' ').append(error.title());
      if (error.details() != null) {
        text.append(": ").append(error.details());
      }
    }
    return text.toString();
  }

  static String describe(final Throwable failed) {
    final String message = failed.getMessage();
    return failed instanceof IllegalArgumentException
        ? message
        : failed.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
