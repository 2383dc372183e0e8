package dev.coexist.store;

import java.util.Locale;

/** Where the history import of a number stands. */
public enum HistorySyncState {
  /** No chunk and no decline seen yet. */
  NOT_STARTED,
  /** Chunks arrive; progress 100 not seen yet. */
  IN_PROGRESS,
  /** A chunk with progress 100 arrived, whatever the order of the others. */
  COMPLETED,
  /** The business turned history sharing off (2593109) or the sync failed with another error. */
  DECLINED,
  /** In progress, but no chunk arrived for longer than the configured stall time. */
  STALLED;

  /** {@code not_started}, {@code in_progress}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
