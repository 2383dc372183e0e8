package dev.coexist.changes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.apply.StoreChange;
import dev.coexist.db.Database;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.MessageQueries;
import dev.coexist.store.MessageSource;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What an outbound event sends: a change's event as the change log holds it; for the n-th message
 * of a history chunk's change, a {@code message.created} of that message as {@code GET
 * /api/v1/messages/{wamid}} shows it when it is sent (the log keeps one change per chunk, not one
 * per message), at the chunk's commit time, with origin {@code history}.
 */
final class EventBodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MessageQueries messages;

  EventBodies(final Database database) {
    this.messages = new MessageQueries(database);
  }

  /** The body of the event; empty when its message is not stored (any more). */
  Optional<byte[]> of(final OutboundQueue.Pending event, final ChangeRecord change)
      throws SQLException {
    if (event.id().part() == 0) {
      return Optional.of(change.eventJson().getBytes(StandardCharsets.UTF_8));
    }
    // three reads by key: the message, its statuses, its edits and reactions
    final Optional<MessageDetail> message = messages.find(change.phoneNumberId(), event.wamid());
    if (message.isEmpty()) {
      return Optional.empty();
    }
    try {
      final String data =
          JSON.writeValueAsString(
              StoreChange.messageCreatedData(message.get(), MessageSource.HISTORY));
      return Optional.of(
          ChangeRecord.eventJson("message.created", change.committedAt(), data)
              .getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException impossible) {
      // the data is built from strings, numbers and JSON the store wrote
      throw new IllegalStateException("message data not serialisable", impossible);
    }
  }
}
