package dev.coexist.apply;

import dev.coexist.journal.Lanes;
import dev.coexist.journal.PendingEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Which lane's entries a processor applies next: lanes take turns, so that no lane's backlog holds
 * up the others; a lane another node holds is left alone for a moment; a lane whose history chunks
 * the node's other processor reads is left to it (see {@link LaneClaims}).
 */
final class LaneScheduler {
  private final JournalQueue queue;
  private final LaneClaims claims;
  private final int claimHolder;
  private final ProcessorSettings settings;
  private final Decoding decoding;
  private final Counter lanesBusy;
  private int nextLane;
  // when a lane held by another node (PostgreSQL) may be tried again; 0 = not held
  private final long[] laneBusyUntil = new long[Lanes.COUNT];

  LaneScheduler(
      final JournalQueue queue,
      final LaneClaims claims,
      final ProcessorSettings settings,
      final Decoding decoding,
      final MeterRegistry meters) {
    this.queue = queue;
    this.claims = claims;
    this.claimHolder = claims.newHolder();
    this.settings = settings;
    this.decoding = decoding;
    this.lanesBusy =
        Counter.builder("coexist.store.lanes.busy")
            .description(
                "Apply transactions that found their lane held by another processor (another node)")
            .register(meters);
  }

  /**
   * The next pending entries of the next lane that has any, after those this step already read
   * ({@code readUpTo}, per lane), leaving out {@code skipLane}; empty when no lane has work. Ends
   * the read's transaction: an apply transaction must start with its write (see Dialect.takeLane).
   */
  List<PendingEntry> next(
      final WriteSession writer, final long[] readUpTo, final int skipLane, final int most)
      throws SQLException {
    final long now = System.nanoTime();
    final Set<Integer> withWork = queue.lanesWithWork(writer.connection());
    List<PendingEntry> pending = List.of();
    for (int tried = 0; tried < Lanes.COUNT && pending.isEmpty() && !withWork.isEmpty(); tried++) {
      final int lane = nextLane;
      nextLane = (nextLane + 1) % Lanes.COUNT;
      if (!withWork.contains(lane)
          || lane == skipLane
          || (laneBusyUntil[lane] != 0 && now - laneBusyUntil[lane] < 0)) {
        continue;
      }
      laneBusyUntil[lane] = 0;
      if (claims.heldByOther(lane, claimHolder)) {
        continue; // another processor of this node is applying its history chunks
      }
      pending =
          queue.pending(
              writer.connection(),
              lane,
              readUpTo[lane],
              Math.min(settings.entriesPerRead(), most),
              settings.bytesPerRead());
      if (decoding.isBig(pending) && !claims.claim(lane, claimHolder)) {
        // the other processor claimed it while this one read: these entries are its work
        pending = List.of();
        continue;
      }
      if (!pending.isEmpty()) {
        readUpTo[lane] = pending.get(pending.size() - 1).id();
      }
    }
    writer.commit();
    return pending;
  }

  /**
   * Starts an apply transaction of {@code lane}; false, with the transaction rolled back and the
   * lane left alone for a moment, when another node holds it and applies its entries.
   */
  boolean take(final WriteSession writer, final int lane) throws SQLException {
    if (writer.takeLane(lane)) {
      return true;
    }
    writer.rollback();
    laneBusyUntil[lane] = System.nanoTime() + settings.laneBusy().toNanos();
    lanesBusy.increment();
    return false;
  }

  /** Nothing read from the lane waits any more. */
  void release(final int lane) {
    claims.release(lane, claimHolder);
  }

  void releaseAll() {
    claims.releaseAll(claimHolder);
  }
}
