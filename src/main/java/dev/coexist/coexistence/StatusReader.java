package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/** One {@code statuses[]} item of the {@code messages} field. */
final class StatusReader {

  private StatusReader() {}

  static StatusUpdate read(Origin origin, JsonNode item) {
    Json.requireObject(item, "status");
    String wamid = Json.text(item, "id");
    if (wamid == null || wamid.isBlank()) {
      throw new BadItemException("status without id (wamid)");
    }
    String status = Json.text(item, "status");
    if (status == null || status.isBlank()) {
      throw new BadItemException("status without status value");
    }
    JsonNode pricing = item.get("pricing");
    return new StatusUpdate(
        origin,
        wamid,
        Status.of(status),
        Json.epochSeconds(item.get("timestamp")),
        new Party(
            Json.text(item, "recipient_id"),
            Json.text(item, "recipient_user_id"),
            Json.text(item, "recipient_parent_user_id"),
            null),
        pricing == null || !pricing.isObject()
            ? null
            : new Pricing(
                Json.bool(pricing.get("billable")),
                Json.text(pricing, "pricing_model"),
                Json.text(pricing, "type"),
                Json.text(pricing, "category")),
        Json.text(item, "biz_opaque_callback_data"),
        Json.errors(item.get("errors")),
        item);
  }
}
