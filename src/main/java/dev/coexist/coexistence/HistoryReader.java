package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The {@code history} field: chunks of past chats ({@code history[]}), the decline error, and the
 * media follow-up that carries {@code messages[]}/{@code message_echoes[]} instead.
 */
final class HistoryReader {

  private HistoryReader() {}

  static void read(Origin origin, JsonNode value, Collector out) {
    String base = origin.location();
    boolean known = false;
    if (Json.isNonEmptyArray(value.get("errors"))) {
      // Documented inside history[] only; an error on the value itself is the same failure.
      known = true;
      out.add(
          new HistoryDeclined(
              origin.at(base + "/errors"), Json.errors(value.get("errors")), value));
    }
    if (value.has("history")) {
      known = true;
      out.addEach(value, "history", base, (item, at) -> chunkOrDecline(origin.at(at), item, out));
    }
    if (value.has("messages") || value.has("message_echoes")) {
      known = true;
      ContactProfiles contacts = ContactProfiles.read(value);
      String business = origin.displayPhoneNumber();
      out.addEach(
          value,
          "messages",
          base,
          (item, at) -> {
            Direction direction = MessageReader.historyDirection(item, fromMe(item), business);
            return media(origin.at(at), MessageReader.read(item, direction), contacts);
          });
      out.addEach(
          value,
          "message_echoes",
          base,
          (item, at) ->
              media(origin.at(at), MessageReader.read(item, Direction.OUTBOUND), contacts));
    }
    if (!known) {
      out.add(
          new UnknownChange(
              origin, "history value without history, messages, message_echoes or errors", value));
    }
  }

  private static HistoryMedia media(Origin origin, Message message, ContactProfiles contacts) {
    return new HistoryMedia(origin, message, contacts.matching(message.customer()));
  }

  private static CoexistenceEvent chunkOrDecline(Origin origin, JsonNode item, Collector out) {
    Json.requireObject(item, "history item");
    if (Json.isNonEmptyArray(item.get("errors"))) {
      return new HistoryDeclined(origin, Json.errors(item.get("errors")), item);
    }
    JsonNode metadata = item.path("metadata");
    List<HistoryThread> threads =
        out.readEach(
            item,
            "threads",
            origin.location(),
            (thread, at) -> thread(thread, at, origin.displayPhoneNumber(), out));
    return new HistoryChunk(
        origin,
        Json.integer(metadata.get("phase")),
        Json.integer(metadata.get("chunk_order")),
        Json.integer(metadata.get("progress")),
        threads,
        item);
  }

  private static HistoryThread thread(
      JsonNode thread, String location, String business, Collector out) {
    Json.requireObject(thread, "thread");
    JsonNode context = thread.path("context");
    String phone = Json.text(thread, "id");
    Party customer =
        new Party(
            phone != null ? phone : Json.text(context, "wa_id"),
            Json.text(context, "user_id"),
            Json.text(context, "parent_user_id"),
            Json.text(context, "username"));
    if (customer.isUnknown()) {
      throw new BadItemException("thread without id or context: no customer to attach it to");
    }
    List<HistoryMessage> messages =
        out.readEach(thread, "messages", location, (item, at) -> message(item, business, customer));
    return new HistoryThread(customer, messages, thread);
  }

  private static HistoryMessage message(JsonNode item, String business, Party customer) {
    Json.requireObject(item, "message");
    Boolean fromMe = fromMe(item);
    Direction direction = MessageReader.historyDirection(item, fromMe, business);
    Message message = MessageReader.read(item, direction).withCustomer(customer);
    Status status = Status.of(Json.text(item.path("history_context"), "status"));
    return new HistoryMessage(message, status, fromMe);
  }

  /** {@code history_context.from_me}, or {@code from_me} on the message itself. */
  private static Boolean fromMe(JsonNode item) {
    Boolean inContext = Json.bool(item.path("history_context").get("from_me"));
    return inContext != null ? inContext : Json.bool(item.get("from_me"));
  }
}
