package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Decodes one change value (Meta {@code changes[].value}, or 360dialog {@code data}) by its field.
 */
final class ChangeDecoder {

  static final String HISTORY = "history";
  static final String STATE_SYNC = "smb_app_state_sync";
  static final String ECHOES = "smb_message_echoes";
  static final String MESSAGES = "messages";
  static final String ACCOUNT_UPDATE = "account_update";

  private static final Set<String> FIELDS =
      Set.of(HISTORY, STATE_SYNC, ECHOES, MESSAGES, ACCOUNT_UPDATE);

  private ChangeDecoder() {}

  /** Whether a 360dialog event name is a WhatsApp field this decoder reads. */
  static boolean knowsField(String field) {
    return FIELDS.contains(field);
  }

  /** Origin of a value: the business number from {@code metadata}. */
  static Origin origin(
      Envelope envelope,
      String deliveryId,
      String wabaId,
      String field,
      JsonNode value,
      String location) {
    JsonNode metadata = value.path("metadata");
    return new Origin(
        envelope,
        deliveryId,
        wabaId,
        Json.text(metadata, "phone_number_id"),
        Json.text(metadata, "display_phone_number"),
        field,
        location);
  }

  static void decode(Origin origin, JsonNode value, Collector out) {
    switch (origin.field()) {
      case HISTORY -> HistoryReader.read(origin, value, out);
      case STATE_SYNC -> StateSyncReader.read(origin, value, out);
      case ECHOES -> echoes(origin, value, out);
      case MESSAGES -> messages(origin, value, out);
      case ACCOUNT_UPDATE -> out.add(accountUpdate(origin, value));
      default ->
          out.add(new UnknownChange(origin, "unknown field '" + origin.field() + "'", value));
    }
  }

  private static void echoes(Origin origin, JsonNode value, Collector out) {
    if (!value.has("message_echoes")) {
      out.add(new UnknownChange(origin, "smb_message_echoes value without message_echoes", value));
      return;
    }
    ContactProfiles contacts = ContactProfiles.read(value);
    out.addEach(
        value,
        "message_echoes",
        origin.location(),
        (item, at) -> {
          Message message = MessageReader.read(item, Direction.OUTBOUND);
          return new MessageEcho(origin.at(at), message, contacts.matching(message.to()));
        });
  }

  /** Live traffic: customer messages, statuses of sent messages, and value-level errors. */
  private static void messages(Origin origin, JsonNode value, Collector out) {
    boolean known = false;
    if (value.has("messages")) {
      known = true;
      ContactProfiles contacts = ContactProfiles.read(value);
      out.addEach(
          value,
          "messages",
          origin.location(),
          (item, at) -> {
            Message message = MessageReader.read(item, Direction.INBOUND);
            return new InboundMessage(origin.at(at), message, contacts.matching(message.from()));
          });
    }
    if (value.has("statuses")) {
      known = true;
      out.addEach(
          value,
          "statuses",
          origin.location(),
          (item, at) -> StatusReader.read(origin.at(at), item));
    }
    if (Json.isNonEmptyArray(value.get("errors"))) {
      known = true;
      out.add(
          new PlatformErrors(
              origin.at(origin.location() + "/errors"),
              Json.errors(value.get("errors")),
              value.get("errors")));
    }
    if (!known) {
      out.add(
          new UnknownChange(origin, "messages value without messages, statuses or errors", value));
    }
  }

  private static AccountUpdate accountUpdate(Origin origin, JsonNode value) {
    JsonNode disconnection = value.path("disconnection_info");
    String initiatedBy = Json.text(disconnection, "initiated_by");
    return new AccountUpdate(
        origin,
        Json.text(value, "event"),
        Json.text(value, "phone_number"),
        Json.text(disconnection, "reason"),
        initiatedBy != null ? initiatedBy : Json.text(value, "initiated_by"),
        value);
  }
}
