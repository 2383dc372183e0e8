package dev.coexist.apply;

import dev.coexist.journal.Partitioning;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What the processors of one node share: the lanes each has read entries of and is applying, the
 * node's leases and heartbeat, and who refreshes thread figures. On PostgreSQL a node runs two
 * processors; without claims both read and decode the same entries, and one of them then finds the
 * lane taken: 1.4 decodes per entry under live traffic, up to three of every history chunk, on two
 * cores. A claim is taken before the lane is read and given back once what was read is applied. It
 * lives in this process only: between nodes, the lane's lease and the row every apply transaction
 * locks decide.
 */
public final class LaneClaims {
  private static final int FREE = 0;

  private final AtomicIntegerArray holders = new AtomicIntegerArray(Partitioning.MAX);
  // the node's lane leases, held by its processors together (see LaneLeases)
  private final String owner = LaneLeases.newOwner();
  private final ConcurrentMap<Integer, LaneLeases.Lease> leases = new ConcurrentHashMap<>();

  // the node's heartbeat (see LaneLeases): when it is due, and how many nodes it found up
  private volatile long nextBeatNanos = System.nanoTime();
  private volatile int liveNodes = 1;

  long nextBeatNanos() {
    return nextBeatNanos;
  }

  int liveNodes() {
    return liveNodes;
  }

  void beaten(final int nodes, final long nextNanos) {
    liveNodes = nodes;
    nextBeatNanos = nextNanos;
  }

  /** The node's name in the leases of the lanes it holds. */
  String owner() {
    return owner;
  }

  ConcurrentMap<Integer, LaneLeases.Lease> leases() {
    return leases;
  }

  private final AtomicInteger lastHolder = new AtomicInteger();

  // one processor of the node refreshes thread figures at a time (see ThreadRefresher)
  private final AtomicBoolean refreshing = new AtomicBoolean();

  /** Whether the calling processor may refresh thread figures now; then it calls endRefresh. */
  boolean startRefresh() {
    return refreshing.compareAndSet(false, true);
  }

  void endRefresh() {
    refreshing.set(false);
  }

  /** An id for one processor. */
  int newHolder() {
    return lastHolder.incrementAndGet();
  }

  /** The node's processors: those that were given an id. */
  int holders() {
    return Math.max(1, lastHolder.get());
  }

  /** Whether a processor other than {@code holder} has claimed lanes now (it is applying). */
  boolean anotherHolding(final int holder) {
    for (int lane = 0; lane < Partitioning.MAX; lane++) {
      final int holding = holders.get(lane);
      if (holding != FREE && holding != holder) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code holder} has the claim now (it had it already, or it was free); claims are taken
   * by partition (LaneScheduler.partition), so at most {@link Partitioning#MAX}.
   */
  boolean claim(final int lane, final int holder) {
    return holders.get(lane) == holder || holders.compareAndSet(lane, FREE, holder);
  }

  void release(final int lane, final int holder) {
    holders.compareAndSet(lane, holder, FREE);
  }

  void releaseAll(final int holder) {
    for (int lane = 0; lane < Partitioning.MAX; lane++) {
      release(lane, holder);
    }
  }
}
