package dev.coexist.coexistence;

import java.util.List;

/** Everything one delivery held: the events in body order and the items that could not be read. */
public record Decoded(
    Envelope envelope, List<CoexistenceEvent> events, List<DecodeProblem> problems) {

  public Decoded {
    events = List.copyOf(events);
    problems = List.copyOf(problems);
  }

  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  /** The events of one kind, e.g. {@code decoded.eventsOf(StatusUpdate.class)}. */
  public <T extends CoexistenceEvent> List<T> eventsOf(Class<T> kind) {
    return events.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
