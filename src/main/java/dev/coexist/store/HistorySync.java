package dev.coexist.store;

import java.time.Instant;
import java.util.List;

/**
 * The history import of one number, evaluated when read (so {@code stalled} needs no timer).
 *
 * @param progress the highest progress reported (0-100), null before the first chunk
 * @param startedAt when the first chunk arrived
 * @param lastChunkAt when the latest chunk arrived
 * @param completedAt when the chunk with progress 100 arrived
 * @param declinedCode the first error code of a decline (2593109: sharing turned off), or null
 */
public record HistorySync(
    HistorySyncState state,
    Integer progress,
    int chunks,
    long messages,
    Instant startedAt,
    Instant lastChunkAt,
    Instant completedAt,
    Integer declinedCode,
    String declinedTitle,
    String declinedDetails,
    Instant declinedAt,
    List<PhaseProgress> phases) {

  public HistorySync {
    phases = List.copyOf(phases);
  }
}
