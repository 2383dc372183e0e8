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

  /**
   * The WABA the event is about: {@code data.waba_id} ({@code account_violation}), or the channel's
   * {@code waba_account.id} ({@code channel_*}); null when it names none. The wrapper of these
   * events is only partly documented, so each known place is tried.
   */
  public String wabaId() {
    return first(
        data().path("waba_id"),
        data().path("waba_account").path("id"),
        data().path("channel").path("waba_account").path("id"));
  }

  /** {@code data.phone_number_id} where the event carries one, else null. */
  public String phoneNumberId() {
    return first(data().path("phone_number_id"));
  }

  /**
   * The digits of the phone number the event names ({@code data.phone_number}, a channel's {@code
   * setup_info.phone_number}), null when none.
   */
  public String phoneDigits() {
    final String phone =
        first(
            data().path("phone_number"),
            data().path("setup_info").path("phone_number"),
            data().path("channel").path("setup_info").path("phone_number"));
    final String digits = Digits.of(phone);
    return digits.isEmpty() ? null : digits;
  }

  private static String first(final JsonNode... candidates) {
    for (final JsonNode candidate : candidates) {
      if (candidate.isValueNode() && !candidate.isNull() && !candidate.asText().isBlank()) {
        return candidate.asText();
      }
    }
    return null;
  }
}
