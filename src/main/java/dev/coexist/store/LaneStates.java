package dev.coexist.store;

import dev.coexist.db.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * The journal's lanes as operators see them: who holds each (owner, epoch, lease), how far it is
 * applied, and what waits in it (entries, age of the oldest). Counted lane by lane from the lane's
 * position along the pending index, so the cost follows the backlog. Also per lane in /metrics,
 * read at most once a second.
 *
 * <p>The oldest entry waiting is the lane's next one: the journal numbers entries as it commits
 * them. Asked as {@code min(received_at)}, PostgreSQL walked the whole journal by id for each lane
 * (0.7-2.4 s a scrape at a backlog of 85,000); the first entry is one step of an index walk.
 */
public final class LaneStates {
  private static final long REFRESH_MILLIS = 1_000;

  // The first entry waiting is looked up only in a lane where entries wait: PostgreSQL walks the
  // journal by id from the lane's position for it, which for an idle lane would be to the end.
  // MATERIALIZED: the count once per lane, not once more inside the CASE.
  private static final String LANES =
      """
      WITH counted AS MATERIALIZED (
        SELECT l.lane, l.owner, l.epoch, l.lease_until, l.applied_up_to,
               (SELECT count(*) FROM journal j
                 WHERE j.state = 'pending' AND j.lane = l.lane
                   AND j.id > l.applied_up_to) AS pending
          FROM processor_lanes l
         WHERE l.lane >= 0)
      SELECT p.lane, p.owner, p.epoch, p.lease_until, p.applied_up_to, p.pending,
             CASE WHEN p.pending > 0 THEN
               (SELECT j.received_at FROM journal j
                 WHERE j.state = 'pending' AND j.lane = p.lane AND j.id > p.applied_up_to
                 ORDER BY j.id LIMIT 1)
             END
        FROM counted p
       ORDER BY p.lane
      """;

  /**
   * One lane.
   *
   * @param owner the processor whose lease it is or was; null when none or handed back
   * @param leased whether that lease still runs (by this node's clock)
   * @param oldestPendingAt when the oldest entry waiting in it was received; null when none waits
   */
  public record Lane(
      int lane,
      String owner,
      long epoch,
      Instant leaseUntil,
      boolean leased,
      long appliedUpTo,
      long pending,
      Instant oldestPendingAt) {

    /** How long its oldest entry has waited, zero when none waits. */
    public Duration waited(final Instant now) {
      return oldestPendingAt == null ? Duration.ZERO : Duration.between(oldestPendingAt, now);
    }
  }

  private final Database store;
  private final MeterRegistry meters;
  private final Set<Integer> registered = ConcurrentHashMap.newKeySet();
  private volatile List<Lane> snapshot = List.of();
  private volatile long snapshotAt;
  private final AtomicBoolean refreshing = new AtomicBoolean();

  public LaneStates(final Database store, final MeterRegistry meters) {
    this.store = store;
    this.meters = meters;
    try {
      lanes(); // registers the gauges of the lanes there are; a scrape registers later ones
    } catch (SQLException unreadable) {
      // registered at the first scrape that reads them; readiness says what is wrong
    }
  }

  // a lane's gauges from the first time it is read: the journal's lane count may change
  private void register(final int lane) {
    if (!registered.add(lane)) {
      return;
    }
    gauge(
        meters, "coexist.lane.pending", "Journal entries waiting in the lane", lane, Lane::pending);
    gauge(
        meters,
        "coexist.lane.oldest.pending.seconds",
        "How long the oldest entry waiting in the lane has waited",
        lane,
        one -> one.waited(Instant.now()).toMillis() / 1000.0);
    gauge(
        meters,
        "coexist.lane.leased",
        "1 while a processor (of any node) holds the lane's lease",
        lane,
        one -> one.leased() ? 1 : 0);
  }

  private void gauge(
      final MeterRegistry meters,
      final String name,
      final String description,
      final int lane,
      final ToDoubleFunction<Lane> value) {
    Gauge.builder(name, this, states -> states.recent(lane).map(value::applyAsDouble).orElse(0.0))
        .description(description)
        .tag("lane", Integer.toString(lane))
        .register(meters);
  }

  private Optional<Lane> recent(final int lane) {
    final long now = System.currentTimeMillis();
    if (now - snapshotAt >= REFRESH_MILLIS) {
      snapshotAt = now;
      try {
        snapshot = lanes();
      } catch (SQLException unreadable) {
        // the last figures stay; readiness says what is wrong with the database
      }
    }
    return snapshot.stream().filter(one -> one.lane() == lane).findFirst();
  }

  /** Every lane, read now. */
  public List<Lane> lanes() throws SQLException {
    final long now = System.currentTimeMillis();
    final List<Lane> lanes = new ArrayList<>();
    try (Connection connection = store.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(LANES);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        final long leaseUntil = rows.getLong(4);
        final long oldest = rows.getLong(7);
        final boolean none = rows.wasNull();
        lanes.add(
            new Lane(
                rows.getInt(1),
                rows.getString(2),
                rows.getLong(3),
                leaseUntil == 0 ? null : Instant.ofEpochMilli(leaseUntil),
                rows.getString(2) != null && leaseUntil > now,
                rows.getLong(5),
                rows.getLong(6),
                none ? null : Instant.ofEpochMilli(oldest)));
      }
    }
    snapshot = List.copyOf(lanes);
    snapshotAt = now;
    lanes.forEach(one -> register(one.lane()));
    return lanes;
  }

  /**
   * Why this node, whose processors are {@code owners}, is not doing its share: it holds no lease
   * while entries have waited over {@code unclaimedFor} in a lane nobody holds. Empty when all is
   * well (a node holding no lane is fine while others hold every lane with work). Judged from the
   * lanes as last read, which a read in the background brings up to date at most once a second:
   * readiness must answer within a second even when the database is slow.
   */
  public Optional<String> idleWhileWorkWaits(
      final Set<String> owners, final Duration unclaimedFor) {
    final long now = System.currentTimeMillis();
    if (now - snapshotAt >= REFRESH_MILLIS && refreshing.compareAndSet(false, true)) {
      snapshotAt = now;
      Thread.ofVirtual()
          .name("lane-states")
          .start(
              () -> {
                try {
                  lanes();
                } catch (SQLException | RuntimeException unreadable) {
                  // the last figures stay; readiness says what is wrong with the database
                } finally {
                  refreshing.set(false);
                }
              });
    }
    return idleWhileWorkWaits(snapshot, owners, unclaimedFor, Instant.now());
  }

  /** As {@link #idleWhileWorkWaits(Set, Duration)}, judged from {@code lanes}. */
  public static Optional<String> idleWhileWorkWaits(
      final List<Lane> lanes,
      final Set<String> owners,
      final Duration unclaimedFor,
      final Instant now) {
    if (lanes.stream().anyMatch(one -> one.leased() && owners.contains(one.owner()))) {
      return Optional.empty();
    }
    return lanes.stream()
        .filter(one -> !one.leased() && one.pending() > 0)
        .filter(one -> one.waited(now).compareTo(unclaimedFor) > 0)
        .findFirst()
        .map(
            one ->
                "entries have waited "
                    + one.waited(now).toSeconds()
                    + " s in lane "
                    + one.lane()
                    + ", which no processor holds, and this node holds no lane");
  }
}
