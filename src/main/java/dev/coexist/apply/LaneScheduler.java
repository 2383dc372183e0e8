package dev.coexist.apply;

import dev.coexist.journal.Partitioning;
import dev.coexist.journal.PendingEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
  // a lane whose next entry a gathered read found big: its turn, alone, comes next; -1: none
  private int bigHead = -1;
  // whether the last read found lanes with work (whoever applies them)
  private boolean sawWork;
  // lanes not held whose leases this read tried to take: with other nodes up, one per read, and
  // none while the node holds its share, so that nodes that join a busy node take the lanes it
  // hands back by turns (not the first to look all of them), and a node does not ask for the
  // other nodes' lanes at every read
  private int lanesTried;

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
   * The next pending entries to apply, after those this step already read ({@code readUpTo}, per
   * lane), leaving out {@code skipLane}, at most {@code most} entries and (but for the first)
   * {@code bytes} of a lane read alone; empty when no lane has work. Lanes take turns: the lane
   * whose turn it is comes first, and the next small entries of the other live lanes come with it
   * ({@link GatheredRead}), so that one transaction applies what many numbers sent; a lane whose
   * next entry is big (a history chunk), a history lane and a lane with a replay are read alone. A
   * gathered read that left out the lane whose turn it was (its next entry is big) gives that lane
   * the next turn. Ends the read's transaction: an apply transaction must start with its write (see
   * Dialect.takeLanes).
   */
  List<PendingEntry> next(
      final WriteSession writer,
      final long[] readUpTo,
      final int skipLane,
      final int most,
      final long bytes)
      throws SQLException {
    final long now = System.nanoTime();
    final int lanes = queue.partitioning(writer.connection()).lanes();
    lastLanes = lanes;
    final JournalQueue.LanesWithWork work = queue.lanesWithWork(writer.connection());
    sawWork = !work.lanes().isEmpty();
    lanesTried = 0;
    List<PendingEntry> pending = List.of();
    for (int tried = 0; tried < lanes && pending.isEmpty() && !work.lanes().isEmpty(); tried++) {
      final int lane = nextLane % lanes;
      nextLane = (lane + 1) % lanes;
      if (!workable(writer, lane, lanes, work, readUpTo, skipLane, now)) {
        continue;
      }
      pending =
          lane == bigHead || most == 1 || lane >= lanes / 2 || work.replaying().contains(lane)
              ? alone(writer, lane, lanes, readUpTo, most, bytes)
              : gathered(writer, lane, lanes, work, new Turn(readUpTo, skipLane, most, bytes, now));
    }
    writer.commit();
    return pending;
  }

  /** What one read of {@link #next} may take. */
  private record Turn(long[] readUpTo, int skipLane, int most, long bytes, long now) {}

  /**
   * Whether the lane may be read now: it has work, it is not left out or left alone for a moment,
   * and this processor claimed it within the node and the node holds its lease.
   */
  private boolean workable(
      final WriteSession writer,
      final int lane,
      final int lanes,
      final JournalQueue.LanesWithWork work,
      final long[] readUpTo,
      final int skipLane,
      final long now)
      throws SQLException {
    if (!claimed(lane, lanes, work, skipLane, now)) {
      return false;
    }
    if (!holds(writer, lane, lanes, readUpTo[lane] != 0, now)) {
      claims.release(partition(lane, lanes), claimHolder);
      return false; // another node holds its lease: not a byte of it is read here
    }
    return true;
  }

  /**
   * Whether the lane has work, is not left out or left alone for a moment, and this processor
   * claimed it within the node (its lease not looked at yet).
   */
  private boolean claimed(
      final int lane,
      final int lanes,
      final JournalQueue.LanesWithWork work,
      final int skipLane,
      final long now) {
    if (!work.lanes().contains(lane)
        || lane == skipLane
        || (laneBusyUntil[lane] != 0 && now - laneBusyUntil[lane] < 0)) {
      return false;
    }
    laneBusyUntil[lane] = 0;
    // false: another processor of this node is applying what it read of the lane
    return claims.claim(partition(lane, lanes), claimHolder);
  }

  /** The lane's next entries, read alone. */
  private List<PendingEntry> alone(
      final WriteSession writer,
      final int lane,
      final int lanes,
      final long[] readUpTo,
      final int most,
      final long bytes)
      throws SQLException {
    if (lane == bigHead) {
      bigHead = -1;
    }
    final List<PendingEntry> pending =
        queue.pending(
            writer.connection(),
            lane,
            readUpTo[lane],
            Math.min(settings.entriesPerRead(), most),
            bytes);
    if (pending.isEmpty()) {
      if (readUpTo[lane] == 0) {
        claims.release(partition(lane, lanes), claimHolder); // nothing of it read in this step
      }
    } else {
      readUpTo[lane] = pending.get(pending.size() - 1).id();
    }
    return pending;
  }

  /**
   * The next small entries of {@code first} and of every other live lane that may be read now, in
   * one read; {@code first}'s alone when none of them has small entries.
   */
  private List<PendingEntry> gathered(
      final WriteSession writer,
      final int first,
      final int lanes,
      final JournalQueue.LanesWithWork work,
      final Turn turn)
      throws SQLException {
    final long[] readUpTo = turn.readUpTo();
    final int live = lanes / 2;
    final List<Integer> chosen = new ArrayList<>();
    final List<Long> after = new ArrayList<>();
    chosen.add(first);
    after.add(readUpTo[first]);
    // the leases due for renewal are renewed together below, in one statement
    final List<Integer> due = new ArrayList<>();
    // while the node's other processor is applying, the lanes that have work are shared: each
    // gathers its part, so that they apply side by side rather than one waiting for lanes the
    // other read all of
    final int part =
        claims.anotherHolding(claimHolder)
            ? Math.max(1, (work.lanes().size() + claims.holders() - 1) / claims.holders())
            : live;
    for (int step = 1; step < live && chosen.size() + due.size() < part; step++) {
      final int lane = (first + step) % live;
      if (work.replaying().contains(lane)
          || !claimed(lane, lanes, work, turn.skipLane(), turn.now())) {
        continue;
      }
      if (leases.fresh(lane)) {
        chosen.add(lane);
      } else if (leases.epoch(lane) >= 0) {
        due.add(lane);
      } else if ((leases.alone() || (lanesTried == 0 && leases.mayTake(lane, lanes)))
          && holds(writer, lane, lanes, readUpTo[lane] != 0, turn.now())) {
        chosen.add(lane);
      } else {
        claims.release(partition(lane, lanes), claimHolder);
      }
    }
    chosen.addAll(renewed(writer, due, lanes, readUpTo, turn.now()));
    for (final int lane : chosen.subList(1, chosen.size())) {
      after.add(readUpTo[lane]);
    }
    final List<PendingEntry> read =
        GatheredRead.read(
            writer,
            chosen,
            after,
            queue.drainedSince(),
            new GatheredRead.Budget(
                settings.claimBytes(),
                Math.min(settings.entriesPerRead(), turn.most()),
                Math.min(settings.entriesPerGatheredRead(), turn.most()),
                settings.bytesPerGatheredRead()));
    final Set<Integer> gotten = new HashSet<>();
    for (final PendingEntry entry : read) {
      readUpTo[entry.lane()] = entry.id();
      gotten.add(entry.lane());
    }
    for (final int lane : chosen) {
      if (lane != first && !gotten.contains(lane) && readUpTo[lane] == 0) {
        claims.release(partition(lane, lanes), claimHolder); // nothing of it read in this step
      }
    }
    if (read.isEmpty()) {
      return alone(writer, first, lanes, readUpTo, turn.most(), turn.bytes());
    }
    if (!gotten.contains(first)) {
      // its next entry is big: its turn comes next, alone
      bigHead = first;
      nextLane = first;
      if (readUpTo[first] == 0) {
        claims.release(partition(first, lanes), claimHolder);
      }
    }
    return read;
  }

  /**
   * Of {@code due}, lanes this processor claimed whose leases this node must renew, those it holds
   * now: renewed in one statement, or one by one when the node holds more than its share (some are
   * then handed back). The lanes it does not hold are given back within the node.
   */
  private List<Integer> renewed(
      final WriteSession writer,
      final List<Integer> due,
      final int lanes,
      final long[] readUpTo,
      final long now)
      throws SQLException {
    if (due.isEmpty()) {
      return due;
    }
    writer.commit(); // the renewal is a write: the read transaction ends first
    final Set<Integer> renewed = leases.renew(writer.connection(), due, lanes);
    final List<Integer> held = new ArrayList<>(due.size());
    for (final int lane : due) {
      if (renewed == null
          ? holds(writer, lane, lanes, readUpTo[lane] != 0, now)
          : renewed.contains(lane)) {
        held.add(lane);
      } else {
        claims.release(partition(lane, lanes), claimHolder);
        if (renewed != null) {
          laneBusyUntil[lane] = now + settings.lease().toNanos() / 10;
        }
      }
    }
    return held;
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
    if (leases.epoch(lane) < 0) {
      lanesTried++;
    }
    if (leases.hold(writer.connection(), lane, lanes, readNow)) {
      return true;
    }
    laneBusyUntil[lane] = now + settings.lease().toNanos() / 10;
    return false;
  }

  /**
   * Starts an apply transaction of the entries of {@code wanted} lanes, fenced by its node's lease
   * of each (its owner name and epoch): the positions of the lanes it holds now. A lane whose lease
   * was lost (another processor took the lane after it ran out) is left alone for a moment; with
   * none left, the transaction is rolled back.
   */
  Map<Integer, Long> take(final WriteSession writer, final Collection<Integer> wanted)
      throws SQLException {
    final Map<Integer, Long> epochs = new TreeMap<>();
    for (final int lane : wanted) {
      final long epoch = leases.epoch(lane);
      if (epoch >= 0) {
        epochs.put(lane, epoch);
      }
    }
    final Map<Integer, Long> positions =
        epochs.isEmpty() ? Map.of() : writer.takeLanes(epochs, leases.owner());
    for (final int lane : wanted) {
      if (!positions.containsKey(lane)) {
        leases.lost(lane);
        laneBusyUntil[lane] = System.nanoTime() + settings.laneBusy().toNanos();
        lanesBusy.increment();
      }
    }
    if (positions.isEmpty()) {
      writer.rollback();
    }
    return positions;
  }

  /**
   * Whether the last {@link #next} found lanes with work, though it may have read none of them (the
   * node's other processor or another node is applying them).
   */
  boolean sawWork() {
    return sawWork;
  }

  /** Whether this node holds the lane (its lease was not found lost). */
  boolean held(final int lane) {
    return leases.epoch(lane) >= 0;
  }

  /**
   * Nothing read from the lanes of {@code work} waits any more, but what was read ahead of them
   * ({@code readAhead}, not applied yet): their partitions are given back unless a lane of the
   * read-ahead is in the same partition.
   */
  void release(final List<Work> work, final List<PendingEntry> readAhead) {
    final Set<Integer> waiting = new HashSet<>();
    for (final PendingEntry entry : readAhead) {
      waiting.add(partition(entry.lane(), lastLanes));
    }
    for (final Work one : work) {
      final int partition = partition(one.entry().lane(), lastLanes);
      if (!waiting.contains(partition)) {
        claims.release(partition, claimHolder);
      }
    }
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
