package dev.coexist.apply;

/**
 * What a step of the processor, an apply transaction or a part of one came to. Results are types,
 * not integer codes.
 */
sealed interface Outcome {
  /**
   * Done: {@code count} entries applied or failed (for a part of a history chunk, the messages it
   * wrote); 0 when there was nothing to do.
   */
  record Handled(int count) implements Outcome {}

  /** Another node holds the lane and applies its entries (PostgreSQL). */
  record LaneTaken() implements Outcome {}

  /** The database refused: the entries stay pending, to be tried again after a pause. */
  record Refused() implements Outcome {}

  /** Nothing was pending, and thread figures were brought up to date. */
  record Refreshed() implements Outcome {}

  Outcome NOTHING = new Handled(0);
  Outcome LANE_TAKEN = new LaneTaken();
  Outcome REFUSED = new Refused();
  Outcome REFRESHED = new Refreshed();

  /** The entries handled, 0 for any other outcome. */
  default int handled() {
    return this instanceof Handled done ? done.count() : 0;
  }

  /** {@code earlier} entries handled before this outcome: the total, or the refusal if none. */
  default Outcome after(final int earlier) {
    return switch (this) {
      case Handled done -> new Handled(earlier + done.count());
      case Refused refused -> earlier > 0 ? new Handled(earlier) : refused;
      case LaneTaken taken -> new Handled(earlier);
      case Refreshed refreshed -> earlier > 0 ? new Handled(earlier) : refreshed;
    };
  }
}
