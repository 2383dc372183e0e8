package dev.coexist.apply;

import dev.coexist.apply.MessageWriter.MessageWrite;
import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.InboundMessage;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.MessageEcho;
import dev.coexist.coexistence.Origin;
import dev.coexist.coexistence.StatusUpdate;
import dev.coexist.store.MessageSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live messages of an apply transaction, inserted together. A read of live deliveries holds one
 * message in most of its entries; inserted a statement each, PostgreSQL spent most of a message's
 * insert on the statement rather than the row (0.19 ms a message alone, 0.07 in statements of ten
 * rows: pgbench, one client). So while a read is applied in one go, an inbound message or an echo
 * is held, with a place kept for its change, until an event needs the store as it is after it (a
 * status or an action for it, the same wamid again, any event other than a message or a status) or
 * the read ends. The held messages are then inserted with multi-row statements, and each gets the
 * change it would have got inserted alone: {@code message.created} as bound, read back when
 * statuses or actions that arrived before it were attached, or {@code message.updated} (merged)
 * when its wamid was stored already. Their customers and threads were written when they were held,
 * in the order of the read.
 */
final class HeldMessages {
  // the most rows in one statement; a flush goes in statements of 64, 32, ... 1 rows, so that a
  // connection prepares seven shapes of the insert at most
  private static final int MOST_ROWS = 64;
  // INSERTS[k]: the insert of 2^k rows, a row that is stored already left as it is
  private static final String[] INSERTS = new String[Integer.numberOfTrailingZeros(MOST_ROWS) + 1];

  static {
    for (int shape = 0; shape < INSERTS.length; shape++) {
      INSERTS[shape] =
          MessageWriter.manyRows(MessageWriter.INSERT, 1 << shape)
              + "ON CONFLICT (phone_number_id, wamid) DO NOTHING\n"
              + "RETURNING id, phone_number_id, wamid\n";
    }
  }

  private record Held(
      String number,
      MessageWrite write,
      MessageSource source,
      List<StoreChange> changes,
      int slot) {
    String key() {
      return HeldMessages.key(number, write.message().wamid());
    }
  }

  private final List<Held> held = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();

  /** A message's key among held messages and statuses: its number and wamid. */
  static String key(final String number, final String wamid) {
    return number + '\n' + wamid;
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  /** Holds a new live message; its change goes where it would have gone in {@code changes}. */
  void hold(
      final String number,
      final MessageWrite write,
      final MessageSource source,
      final List<StoreChange> changes) {
    changes.add(null);
    held.add(new Held(number, write, source, changes, changes.size() - 1));
    keys.add(key(number, write.message().wamid()));
  }

  /** Whether {@code event} may be applied before the held messages are written. */
  boolean mayPass(final CoexistenceEvent event) {
    if (held.isEmpty()) {
      return true;
    }
    return switch (event) {
      case InboundMessage inbound -> passes(inbound.origin(), inbound.message());
      case MessageEcho echo -> passes(echo.origin(), echo.message());
      case StatusUpdate status -> !holds(status.origin(), status.wamid());
      default -> false;
    };
  }

  private boolean passes(final Origin origin, final Message message) {
    return !holds(origin, message.wamid()) && !holds(origin, message.targetWamid());
  }

  private boolean holds(final Origin origin, final String wamid) {
    return wamid != null && keys.contains(key(origin.phoneNumberId(), wamid));
  }

  /** Writes the held messages and puts their changes in place. */
  void write(final WriteSession session) throws SQLException {
    if (held.isEmpty()) {
      return;
    }
    final Map<String, Long> ids = new HashMap<>();
    for (int from = 0; from < held.size(); ) {
      final int rows = Integer.highestOneBit(Math.min(MOST_ROWS, held.size() - from));
      insert(session, held.subList(from, from + rows), ids);
      from += rows;
    }
    // statuses and actions that arrived before the new messages, attached number by number
    final Map<String, List<MessageWrite>> inserted = new LinkedHashMap<>();
    for (final Held message : held) {
      if (ids.containsKey(message.key())) {
        inserted
            .computeIfAbsent(message.number(), number -> new ArrayList<>())
            .add(message.write());
      }
    }
    final Set<String> attached = new HashSet<>();
    final Set<String> awaiting =
        inserted.isEmpty()
            ? Set.of()
            : AwaitingMessages.numbersAwaiting(session, inserted.keySet());
    for (final Map.Entry<String, List<MessageWrite>> number : inserted.entrySet()) {
      if (!awaiting.contains(number.getKey())) {
        continue;
      }
      for (final String wamid :
          AwaitingMessages.attachAmong(session, number.getKey(), number.getValue())) {
        attached.add(key(number.getKey(), wamid));
      }
    }
    for (final Held message : held) {
      final Long id = ids.get(message.key());
      final OneMessageWriter.Written written =
          id == null
              // stored before this read (imported, a record of statuses, an earlier delivery)
              ? OneMessageWriter.merge(session, message.number(), message.write())
              : new OneMessageWriter.Written(
                  OneMessageWriter.inserted(
                      session,
                      message.number(),
                      message.write(),
                      id,
                      attached.contains(message.key())),
                  false);
      message
          .changes()
          .set(
              message.slot(),
              written.change(
                  message.number(), message.write().message().wamid(), message.source()));
    }
    held.clear();
    keys.clear();
  }

  /** Inserts the rows that are new; {@code ids} gets the id of each inserted one by its key. */
  private static void insert(
      final WriteSession session, final List<Held> rows, final Map<String, Long> ids)
      throws SQLException {
    final PreparedStatement insert =
        session.prepare(INSERTS[Integer.numberOfTrailingZeros(rows.size())]);
    for (int row = 0; row < rows.size(); row++) {
      final Held message = rows.get(row);
      MessageWriter.bind(
          insert, row * MessageWriter.COLUMNS, message.number(), message.write(), false);
    }
    try (ResultSet returned = insert.executeQuery()) {
      while (returned.next()) {
        ids.put(key(returned.getString(2), returned.getString(3)), returned.getLong(1));
      }
    }
  }
}
