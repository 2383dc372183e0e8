package dev.coexist.coexistence;

/**
 * Where an event comes from: the business number it belongs to and the place in the delivery.
 *
 * @param envelope the wrapper of the delivery
 * @param deliveryId 360dialog's outer event {@code id}; null for the Meta envelope
 * @param wabaId WhatsApp Business Account id (Meta {@code entry.id}, 360dialog {@code data.id})
 * @param phoneNumberId {@code metadata.phone_number_id}; null where the payload has no metadata
 * @param displayPhoneNumber {@code metadata.display_phone_number}, verbatim (may be formatted)
 * @param field Meta field name or 360dialog event name, e.g. {@code history}
 * @param location JSON-pointer-like path of the item inside the body, e.g. {@code
 *     /entry/0/changes/1/value/messages/2}
 */
public record Origin(
    Envelope envelope,
    String deliveryId,
    String wabaId,
    String phoneNumberId,
    String displayPhoneNumber,
    String field,
    String location) {

  Origin at(String itemLocation) {
    return new Origin(
        envelope, deliveryId, wabaId, phoneNumberId, displayPhoneNumber, field, itemLocation);
  }
}
