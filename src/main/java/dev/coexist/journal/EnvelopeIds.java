package dev.coexist.journal;

import java.util.Optional;

/**
 * Whether a 360dialog envelope {@code id} can serve as the deduplication key of the journal. The
 * unique index {@code journal_event_once} holds it, so an id that the database cannot index would
 * fail its whole group-commit batch: PostgreSQL refuses a NUL character in text, and a btree entry
 * over about 2.7 KB. SQLite takes both but may cut a text at its NUL. So such an id is refused
 * before the database, the same on both engines, and the delivery is journalled as rejected.
 */
final class EnvelopeIds {
  /**
   * Far above any id a provider sends (360dialog's are UUID-sized) and far below PostgreSQL's btree
   * limit even at 3 UTF-8 bytes per character.
   */
  static final int MAX_CHARS = 512;

  private EnvelopeIds() {}

  /** Why {@code eventId} is not a usable deduplication key, or empty when it is (or is absent). */
  static Optional<String> refusal(final String eventId) {
    if (eventId == null) {
      return Optional.empty();
    }
    if (eventId.length() > MAX_CHARS) {
      return Optional.of(
          "envelope id has "
              + eventId.length()
              + " characters, more than "
              + MAX_CHARS
              + ": not a usable deduplication key");
    }
    if (eventId.indexOf('\0') >= 0) {
      return Optional.of(
          "envelope id contains a NUL character (\\u0000): not a usable deduplication key");
    }
    return Optional.empty();
  }

  /**
   * The delivery as the journal may store it: rejected, without its id, when the id is unusable.
   */
  static Delivery checked(final Delivery delivery) {
    final Optional<String> refusal = refusal(delivery.eventId());
    if (refusal.isEmpty()) {
      return delivery;
    }
    return new Delivery(
        delivery.receivedAtMillis(),
        delivery.route(),
        delivery.headersJson(),
        delivery.body(),
        delivery.bodySha256(),
        null,
        delivery.rejected() ? delivery.rejection() : refusal.get());
  }
}
