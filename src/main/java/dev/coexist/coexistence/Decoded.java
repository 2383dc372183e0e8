package dev.coexist.coexistence;

import java.util.List;

/**
 * Everything one delivery held: the events in body order and the items that could not be read.
 *
 * @param problems the first {@link #PROBLEMS_KEPT} items that could not be read
 * @param problemCount how many items could not be read, kept or not
 */
public record Decoded(
    Envelope envelope,
    List<CoexistenceEvent> events,
    List<DecodeProblem> problems,
    int problemCount) {

  /**
   * The most problems one delivery keeps: a body of a million broken items costs the store a
   * hundred rows and a count, not a million rows (an operator needs the first few to see what is
   * wrong, and the count to see how much).
   */
  public static final int PROBLEMS_KEPT = 100;

  public Decoded {
    events = List.copyOf(events);
    problems = List.copyOf(problems);
    if (problemCount < problems.size()) {
      throw new IllegalArgumentException(
          "problemCount " + problemCount + " below the " + problems.size() + " problems kept");
    }
  }

  /** A delivery whose every problem is kept. */
  public Decoded(
      final Envelope envelope,
      final List<CoexistenceEvent> events,
      final List<DecodeProblem> problems) {
    this(envelope, events, problems, problems.size());
  }

  public boolean hasProblems() {
    return problemCount > 0;
  }

  /** The events of one kind, e.g. {@code decoded.eventsOf(StatusUpdate.class)}. */
  public <T extends CoexistenceEvent> List<T> eventsOf(Class<T> kind) {
    return events.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
