package dev.coexist.changes;

/**
 * The id of an outbound event, sent as its {@code webhook-id}: the change's sequence number, and
 * for the n-th message of a history chunk's change (the per-message events a subscription may ask
 * for) {@code seq.n}. The same on every retry and every node.
 *
 * @param part 0 for the change itself, n for the n-th message of its chunk
 */
public record EventId(long seq, int part) implements Comparable<EventId> {

  public EventId {
    if (seq < 0 || part < 0) {
      throw new IllegalArgumentException("an event id is seq or seq.n, was " + seq + "." + part);
    }
  }

  /** The change's own event. */
  public static EventId of(final long seq) {
    return new EventId(seq, 0);
  }

  /** {@code 1042} or {@code 1042.3}; throws {@link IllegalArgumentException} for anything else. */
  public static EventId parse(final String text) {
    final String given = text == null ? "" : text.strip();
    final int dot = given.indexOf('.');
    try {
      return dot < 0
          ? of(Long.parseLong(given))
          : new EventId(
              Long.parseLong(given.substring(0, dot)), Integer.parseInt(given.substring(dot + 1)));
    } catch (NumberFormatException notAnId) {
      throw new IllegalArgumentException(
          "an event id is a whole number, or seq.n for a message of a history chunk; was '"
              + given
              + "'");
    }
  }

  /** The {@code webhook-id}: {@code seq}, or {@code seq.part}. */
  @Override
  public String toString() {
    return part == 0 ? Long.toString(seq) : seq + "." + part;
  }

  @Override
  public int compareTo(final EventId other) {
    final int bySeq = Long.compare(seq, other.seq);
    return bySeq != 0 ? bySeq : Integer.compare(part, other.part);
  }
}
