package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the events and problems of one delivery, and isolates items: whatever goes wrong while
 * reading one array item becomes a problem for that item only.
 */
final class Collector {

  /** Reads one array item; throws {@link BadItemException} when the item is unusable. */
  @FunctionalInterface
  interface ItemReader<T> {
    T read(JsonNode item, String location);
  }

  /** Handles one array item; throws {@link BadItemException} when the item is unusable. */
  @FunctionalInterface
  interface ItemVisitor {
    void visit(JsonNode item, String location);
  }

  private final List<CoexistenceEvent> events = new ArrayList<>();
  private final List<DecodeProblem> problems = new ArrayList<>();
  private int problemCount;

  void add(CoexistenceEvent event) {
    events.add(event);
  }

  /** Keeps the first {@link Decoded#PROBLEMS_KEPT} problems and counts the rest. */
  void problem(String location, String message, JsonNode item) {
    problemCount++;
    if (problems.size() < Decoded.PROBLEMS_KEPT) {
      problems.add(new DecodeProblem(location, message, item));
    }
  }

  /**
   * Visits every item of {@code container.name}, each in isolation. An absent array is an empty
   * one; a field that is not an array is a problem.
   */
  void forEachItem(JsonNode container, String name, String location, ItemVisitor visitor) {
    JsonNode array = container.get(name);
    String arrayLocation = location + "/" + name;
    if (array == null || array.isNull()) {
      return;
    }
    if (!array.isArray()) {
      problem(arrayLocation, "'" + name + "' is not an array but " + Json.kind(array), array);
      return;
    }
    for (int index = 0; index < array.size(); index++) {
      JsonNode item = array.get(index);
      String itemLocation = arrayLocation + "/" + index;
      try {
        visitor.visit(item, itemLocation);
      } catch (BadItemException bad) {
        problem(itemLocation, bad.getMessage(), item);
      } catch (RuntimeException unexpected) {
        // A decoder bug must not lose the other items of the delivery either.
        problem(itemLocation, "unexpected failure: " + unexpected, item);
      }
    }
  }

  /** The items of {@code container.name} that could be read, in order. */
  <T> List<T> readEach(JsonNode container, String name, String location, ItemReader<T> reader) {
    List<T> read = new ArrayList<>();
    forEachItem(container, name, location, (item, at) -> read.add(reader.read(item, at)));
    return read;
  }

  /** Adds the event read from each item of {@code container.name}. */
  void addEach(
      JsonNode container,
      String name,
      String location,
      ItemReader<? extends CoexistenceEvent> reader) {
    forEachItem(container, name, location, (item, at) -> add(reader.read(item, at)));
  }

  Decoded result(Envelope envelope) {
    return new Decoded(envelope, events, problems, problemCount);
  }
}
