package dev.coexist.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.apply.MessageWriter.MessageWrite;
import dev.coexist.coexistence.AccountUpdate;
import dev.coexist.coexistence.ApiError;
import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.ContactChange;
import dev.coexist.coexistence.DecodeProblem;
import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryDeclined;
import dev.coexist.coexistence.HistoryMedia;
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
import dev.coexist.store.MessageDetail;
import dev.coexist.store.MessageSource;
import dev.coexist.store.NumberView;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
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

  private DeliveryApplier() {}

  /** What one entry added to the store, for metrics, and the changes it made. */
  record Applied(int events, int messages, int problems, List<StoreChange> changes) {}

  /**
   * Applies the entry, except the threads of its history chunk before {@code fromThread}: those
   * were written by {@link #applyThreads} in transactions of their own.
   *
   * @param contents the JSON text of each message's content node, prepared by {@link
   *     MessageContents#of(Decoded)} while the previous entries were written
   * @param eventsIsolated each event under a savepoint: one that fails is recorded as a problem and
   *     the others are kept. Without, the first failure throws, and the caller rolls back and
   *     applies the entry again with them.
   * @param firstAttempt the entry was never applied (it is beyond its lane's position), so it has
   *     no problems recorded by an earlier attempt to clear
   */
  static Applied apply(
      final WriteSession session,
      final PendingEntry entry,
      final Decoded decoded,
      final Map<JsonNode, String> contents,
      final int fromThread,
      final boolean eventsIsolated,
      final boolean firstAttempt)
      throws SQLException {
    final ProblemWriter problems =
        firstAttempt
            ? ProblemWriter.first(session, entry.id())
            : ProblemWriter.startingOver(session, entry.id());
    for (final DecodeProblem problem : decoded.problems()) {
      problems.add(problem.location(), "decode", problem.message(), problem.item());
    }
    problems.addUnkept(decoded.problemCount() - decoded.problems().size());
    NumberWriter.numbers(session, entry, decoded.events());
    int messages = 0;
    final List<StoreChange> changes = new ArrayList<>();
    for (final CoexistenceEvent event : decoded.events()) {
      if (!eventsIsolated) {
        if (!session.mayPassHeld(event)) {
          session.writeHeld();
        }
        messages += event(session, entry, event, contents, fromThread, problems, changes);
        continue;
      }
      final Savepoint savepoint = session.savepoint();
      final int changesBefore = changes.size();
      try {
        messages += event(session, entry, event, contents, fromThread, problems, changes);
        session.release(savepoint);
      } catch (SQLException | RuntimeException failed) {
        session.rollbackTo(savepoint);
        changes.subList(changesBefore, changes.size()).clear();
        problems.add(event.origin().location(), "apply", describe(failed), event.raw());
      }
    }
    problems.finish();
    return new Applied(decoded.events().size(), messages, problems.count(), changes);
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
      final PendingEntry entry,
      final HistoryChunk chunk,
      final int from,
      final int to,
      final Map<JsonNode, String> contents)
      throws SQLException {
    return HistoryWriter.threads(
        session, entry.id(), number(chunk.origin()), chunk.threads().subList(from, to), contents);
  }

  /** Returns the number of messages written; adds the changes it made to {@code changes}. */
  private static int event(
      final WriteSession session,
      final PendingEntry entry,
      final CoexistenceEvent event,
      final Map<JsonNode, String> contents,
      final int fromThread,
      final ProblemWriter problems,
      final List<StoreChange> changes)
      throws SQLException {
    return switch (event) {
      case HistoryChunk chunk -> {
        final int written = HistoryWriter.chunk(session, entry, chunk, contents, fromThread);
        final String number = number(chunk.origin());
        // the number's history sync after the chunk: its chunks per phase and its decline
        changes.add(
            StoreChange.historyChunk(
                number, entry.id(), chunk, session.reads().history(session, number)));
        yield written;
      }
      case HistoryDeclined declined -> {
        HistoryWriter.declined(session, entry, declined);
        final String number = number(declined.origin());
        changes.add(
            StoreChange.historyDeclined(
                number, entry.id(), declined, session.reads().history(session, number)));
        yield 0;
      }
      case HistoryMedia media -> {
        // the media of a message first seen as a history placeholder
        message(
            session,
            entry,
            media.origin(),
            media.message(),
            MessageSource.MEDIA_FOLLOWUP,
            contents,
            media.contact() == null ? null : media.contact().party(),
            media.contact() == null ? null : media.contact().profileName(),
            changes);
        yield 1;
      }
      case InboundMessage inbound -> {
        message(
            session,
            entry,
            inbound.origin(),
            inbound.message(),
            MessageSource.LIVE,
            contents,
            inbound.sender() == null ? null : inbound.sender().party(),
            inbound.sender() == null ? null : inbound.sender().profileName(),
            changes);
        yield 1;
      }
      case MessageEcho echo -> {
        message(
            session,
            entry,
            echo.origin(),
            echo.message(),
            MessageSource.ECHO,
            contents,
            echo.recipient() == null ? null : echo.recipient().party(),
            null,
            changes);
        yield 1;
      }
      case StatusUpdate status -> {
        final String number = number(status.origin());
        final HeldStatuses held = session.heldStatuses();
        if (held != null) {
          held.hold(number, status, changes);
          yield 0;
        }
        final StatusWriter.Written written = StatusWriter.status(session, number, status);
        if (written.created() != null) {
          // the first word of a message sent through the Cloud API: its record, then its status
          changes.add(StoreChange.messageCreated(written.created(), MessageSource.API));
        }
        changes.add(StoreChange.status(number, written.thread(), status.wamid(), written.status()));
        yield 0;
      }
      case ContactChange change -> {
        final long customer = ContactWriter.contact(session, change);
        // the contact as the list shows it: the newest change wins, which may not be this one
        changes.add(
            StoreChange.contact(
                number(change.origin()),
                customer,
                change,
                session.reads().contact(session, customer).orElse(null)));
        yield 0;
      }
      case AccountUpdate update -> {
        NumberWriter.accountEvent(session, entry, update);
        // an account update names the number by its display digits, not always by its id
        final String number =
            update.origin().phoneNumberId() != null
                ? update.origin().phoneNumberId()
                : session
                    .reads()
                    .numberByDigits(session, NumberWriter.accountDigits(update))
                    .orElse(null);
        changes.add(StoreChange.account(number, update, shownNumber(session, number)));
        yield 0;
      }
      case PartnerEvent partner -> {
        NumberWriter.partnerEvent(session, entry, partner);
        // a partner event names its business by WABA id or phone number: one change per number
        // of this store it names
        final List<String> named =
            partner.origin().phoneNumberId() != null
                ? List.of(partner.origin().phoneNumberId())
                : session
                    .reads()
                    .numbersNamedBy(
                        session, partner.phoneNumberId(), partner.wabaId(), partner.phoneDigits());
        for (final String number : named) {
          changes.add(StoreChange.partner(number, partner, shownNumber(session, number)));
        }
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

  /**
   * The number as {@code /api/v1/numbers/{id}} shows it now, null when there is no id; read by key
   * (an account or partner event is rare). Its row is current: a transaction with such an event
   * writes its numbers at once ({@link NumberWriter#showsNumbers}).
   */
  private static NumberView shownNumber(final WriteSession session, final String number)
      throws SQLException {
    return number == null || number.isBlank()
        ? null
        : session.reads().number(session, number).orElse(null);
  }

  /**
   * Writes a message, or the action it is, and adds the change it made, with the message as the API
   * then shows it: {@code message.created} for a message new to the store; {@code message.updated}
   * for media that followed a history placeholder, an action, or a message merged into one stored
   * before ({@code change: merged}: a record made from a status, an imported message, a repeated
   * delivery), so that a subscriber sees one {@code message.created} per wamid. A live message is
   * held instead while the session holds messages ({@link HeldMessages}), its customer and thread
   * written now.
   */
  private static void message(
      final WriteSession session,
      final PendingEntry entry,
      final Origin origin,
      final Message message,
      final MessageSource source,
      final Map<JsonNode, String> contents,
      final Party profile,
      final String profileName,
      final List<StoreChange> changes)
      throws SQLException {
    final String number = number(origin);
    if (isAction(message)) {
      final Long thread = action(session, number, message, source);
      // the target as the action left it; not there yet while the action waits for it
      final MessageDetail target =
          thread == null
              ? null
              : session.reads().message(session, number, message.targetWamid()).orElse(null);
      changes.add(
          StoreChange.messageUpdated(
              number, message.targetWamid(), message.type(), message, target));
      return;
    }
    final long customer = Customers.resolve(session, number, message.customer(), profile);
    if (customer < 0) {
      throw new IllegalArgumentException(
          "message " + message.wamid() + " names no customer (no phone number, no user id)");
    }
    Customers.profileName(
        session, customer, profileName, ColumnValues.seconds(message.timestamp()));
    Customers.ensureThread(session, customer, number);
    final MessageWrite write =
        new MessageWrite(
            message, customer, source, null, MessageContents.of(contents, message), entry.id());
    final HeldMessages held = session.heldMessages();
    if (held != null && source != MessageSource.MEDIA_FOLLOWUP) {
      held.hold(number, write, source, changes);
      return;
    }
    changes.add(
        OneMessageWriter.write(session, number, write).change(number, message.wamid(), source));
  }

  static Long action(
      final WriteSession session,
      final String number,
      final Message message,
      final MessageSource source)
      throws SQLException {
    if (message.targetWamid() == null || message.targetWamid().isBlank()) {
      throw new IllegalArgumentException(
          message.type() + " " + message.wamid() + " does not name the message it acts on");
    }
    return ActionWriter.action(session, number, message, message.type(), source);
  }

  static boolean isAction(final Message message) {
    return message.type() != null && ACTIONS.contains(message.type());
  }

  static String number(final Origin origin) {
    if (origin.phoneNumberId() == null || origin.phoneNumberId().isBlank()) {
      throw new IllegalArgumentException(
          "no metadata.phone_number_id: cannot tell which business number this belongs to");
    }
    return origin.phoneNumberId();
  }

  static String describe(final List<ApiError> errors) {
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
