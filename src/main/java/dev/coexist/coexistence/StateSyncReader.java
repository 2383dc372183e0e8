package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/** The {@code smb_app_state_sync} field: address-book contacts added, edited or removed. */
final class StateSyncReader {

  private StateSyncReader() {}

  static void read(Origin origin, JsonNode value, Collector out) {
    if (!value.has("state_sync")) {
      out.add(new UnknownChange(origin, "smb_app_state_sync value without state_sync", value));
      return;
    }
    out.addEach(value, "state_sync", origin.location(), (item, at) -> item(origin.at(at), item));
  }

  private static CoexistenceEvent item(Origin origin, JsonNode item) {
    Json.requireObject(item, "state_sync item");
    String type = Json.text(item, "type");
    if (type != null && !type.equalsIgnoreCase("contact")) {
      return new UnknownChange(origin, "unknown state_sync type '" + type + "'", item);
    }
    JsonNode contact = item.get("contact");
    Json.requireObject(contact, "state_sync contact");
    String phone = Json.text(contact, "phone_number");
    Party party =
        new Party(
            phone != null ? phone : Json.text(contact, "wa_id"),
            Json.text(contact, "user_id"),
            Json.text(contact, "parent_user_id"),
            Json.text(contact, "username"));
    if (party.phone() == null && party.userId() == null) {
      throw new BadItemException("contact without phone_number or user_id");
    }
    String action = Json.text(item, "action");
    if (action == null) {
      throw new BadItemException("state_sync item without action");
    }
    return new ContactChange(
        origin,
        ContactAction.of(action),
        action,
        Json.epochSeconds(item.path("metadata").get("timestamp")),
        party,
        Json.text(contact, "full_name"),
        Json.text(contact, "first_name"),
        item);
  }
}
