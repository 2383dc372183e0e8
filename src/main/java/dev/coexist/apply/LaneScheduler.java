package dev.coexist.apply;

import dev.coexist.journal.Partitioning;
import dev.coexist.journal.PendingEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Which lane's entries a processor applies next: lanes take turns, so that no lane's backlog holds
 * up the others. A lane is claimed by lease before any of its entries is read ({@link LaneLeases});
 * a lane another node holds is left alone until its lease may have run out; a lane the node's other
 * processor has read entries of is left to it until it applied them (see {@link LaneClaims}), so
 * that no entry is read and decoded by both.
 */
final class LaneScheduler {
  private final JournalQueue queue;
  private final LaneClaims claims;
  private final int claimHolder;
  private final ProcessorSettings settings;
  private final Counter lanesBusy;
  private final LaneLeases leases;
  private int nextLane;
  // the lane count of the last read, for the claims given back after it (see partition)
  private int lastLanes = 2;
  // when a lane held by another node (PostgreSQL) may be tried again; 0 = not held
  private final long[] laneBusyUntil = new long[Partitioning.MAX_LANES];

  LaneScheduler(
      final JournalQueue queue,
      final LaneClaims claims,
      final ProcessorSettings settings,
      final LaneLeases leases,
      final MeterRegistry meters) {
    this.queue = queue;
    this.leases = leases;
    this.claims = claims;
    this.claimHolder = claims.newHolder();
    this.settings = settings;
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
    final int lanes = queue.partitioning(writer.connection()).lanes();
    lastLanes = lanes;
    final Set<Integer> withWork = queue.lanesWithWork(writer.connection());
    List<PendingEntry> pending = List.of();
    for (int tried = 0; tried < lanes && pending.isEmpty() && !withWork.isEmpty(); tried++) {
      final int lane = nextLane % lanes;
      nextLane = (lane + 1) % lanes;
      if (!withWork.contains(lane)
          || lane == skipLane
          || (laneBusyUntil[lane] != 0 && now - laneBusyUntil[lane] < 0)) {
        continue;
      }
      laneBusyUntil[lane] = 0;
      if (!claims.claim(partition(lane, lanes), claimHolder)) {
        continue; // another processor of this node is applying what it read of the lane
      }
      if (!holds(writer, lane, lanes, readUpTo[lane] != 0, now)) {
        claims.release(partition(lane, lanes), claimHolder);
        continue; // another node holds its lease: not a byte of it is read here
      }
      pending =
          queue.pending(
              writer.connection(),
              lane,
              readUpTo[lane],
              Math.min(settings.entriesPerRead(), most),
              settings.bytesPerRead());
      if (pending.isEmpty()) {
        if (readUpTo[lane] == 0) {
          claims.release(partition(lane, lanes), claimHolder); // nothing of it read in this step
        }
      } else {
        readUpTo[lane] = pending.get(pending.size() - 1).id();
      }
    }
    writer.commit();
    return pending;
  }

  /**
   * Whether this node holds the lane's lease, claiming or renewing it (a write of its own, after
   * the read transaction ends); when another node holds it, the lane is left alone for a tenth of a
   * lease: long enough not to ask at every read, short enough to take over soon after a dead or
   * frozen holder's lease ran out.
   */
  private boolean holds(
      final WriteSession writer,
      final int lane,
      final int lanes,
      final boolean readNow,
      final long now)
      throws SQLException {
    if (leases.fresh(lane)) {
      return true;
    }
    writer.commit(); // the claim is a write: the read transaction ends first
    if (leases.hold(writer.connection(), lane, lanes, readNow)) {
      return true;
    }
    laneBusyUntil[lane] = now + settings.lease().toNanos() / 10;
    return false;
  }

  /**
   * Starts an apply transaction of {@code lane}, fenced by its node's lease (its owner name and
   * epoch); false, with the transaction rolled back and the lane left alone for a moment, when the
   * lease was lost (another processor took the lane after it ran out).
   */
  boolean take(final WriteSession writer, final int lane) throws SQLException {
    final long epoch = leases.epoch(lane);
    if (epoch >= 0 && writer.takeLane(lane, leases.owner(), epoch)) {
      return true;
    }
    writer.rollback();
    leases.lost(lane);
    laneBusyUntil[lane] = System.nanoTime() + settings.laneBusy().toNanos();
    lanesBusy.increment();
    return false;
  }

  /** Nothing read from the lane waits any more. */
  void release(final int lane) {
    claims.release(partition(lane, lastLanes), claimHolder);
  }

  /**
   * What a processor claims within its node for {@code lane}: its partition, so that the node's two
   * processors never apply a partition's live lane and its history lane at once. Both write the
   * same numbers' rows, and one would sit waiting for the other's number locks ({@link
   * NumberLocks}), its whole read with it; claimed by partition, it applies other lanes meanwhile.
   */
  private static int partition(final int lane, final int lanes) {
    return lane % Math.max(1, lanes / 2);
  }

  void releaseAll() {
    claims.releaseAll(claimHolder);
  }
}
