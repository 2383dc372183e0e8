package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An {@code account_update} value. For coexistence the events that matter are {@code
 * PARTNER_REMOVED} (with {@code disconnection_info}), {@code ACCOUNT_OFFBOARDED} and {@code
 * ACCOUNT_RECONNECTED}; any other event is kept verbatim.
 *
 * @param event {@code event} verbatim
 * @param phoneNumber {@code phone_number} where present
 * @param disconnectionReason {@code disconnection_info.reason}, e.g. {@code PRIMARY_INACTIVITY}
 * @param initiatedBy {@code USER} or {@code SYSTEM}
 */
public record AccountUpdate(
    Origin origin,
    String event,
    String phoneNumber,
    String disconnectionReason,
    String initiatedBy,
    JsonNode raw)
    implements CoexistenceEvent {

  public static final String PARTNER_REMOVED = "PARTNER_REMOVED";

  public boolean isPartnerRemoved() {
    return PARTNER_REMOVED.equalsIgnoreCase(event);
  }
}
