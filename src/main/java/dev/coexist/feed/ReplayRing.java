package dev.coexist.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The newest events in a fixed array, overwritten oldest first. Ids are consecutive, so the event
 * after a given id is found by arithmetic, not by a search. Not thread-safe: {@link ChangeFeed}
 * guards it.
 */
final class ReplayRing {
  private final FeedEvent[] slots;
  private int size;
  private int next;

  ReplayRing(final int capacity) {
    this.slots = new FeedEvent[capacity];
  }

  void append(final FeedEvent event) {
    if (size > 0 && event.id() != newest().id() + 1) {
      throw new IllegalArgumentException("event ids must be consecutive");
    }
    slots[next] = event;
    next = (next + 1) % slots.length;
    size = Math.min(size + 1, slots.length);
  }

  /**
   * The events published after {@code lastId}, when the ring still holds all of them; empty when
   * {@code lastId} is too old, unknown, or newer than anything published.
   */
  Optional<List<FeedEvent>> after(final long lastId, final long newestPublished) {
    if (lastId == newestPublished) {
      return Optional.of(List.of());
    }
    if (size == 0 || lastId > newestPublished || lastId < oldest().id() - 1) {
      return Optional.empty();
    }
    final int skip = (int) (lastId - oldest().id() + 1);
    final List<FeedEvent> missed = new ArrayList<>(size - skip);
    for (int i = skip; i < size; i++) {
      missed.add(at(i));
    }
    return Optional.of(missed);
  }

  int size() {
    return size;
  }

  private FeedEvent oldest() {
    return at(0);
  }

  private FeedEvent newest() {
    return at(size - 1);
  }

  /** The {@code index}-th held event, oldest first. */
  private FeedEvent at(final int index) {
    final int start = size < slots.length ? 0 : next;
    return slots[(start + index) % slots.length];
  }
}
