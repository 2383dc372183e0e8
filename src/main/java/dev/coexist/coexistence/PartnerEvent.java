package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A 360dialog partner event that is not a WhatsApp field ({@code client_created}, {@code
 * channel_created}, {@code channel_ready}, {@code account_violation}, template status, ...). Kept
 * whole; it does not touch conversations.
 *
 * @param event the {@code event} name verbatim
 * @param raw the whole envelope
 */
public record PartnerEvent(Origin origin, String event, JsonNode raw) implements CoexistenceEvent {

  /** The {@code data} object, or a missing node. */
  public JsonNode data() {
    return raw.path("data");
  }
}
