package dev.coexist.api;

import dev.coexist.db.DatabaseProbe;
import dev.coexist.journal.Availability;
import dev.coexist.journal.Journal;
import dev.coexist.store.JournalStates;
import dev.coexist.store.LaneStates;
import dev.coexist.web.Replies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Liveness (are the supervised threads running?), readiness (can the journal write, does the
 * database answer, are the threads running?) and Prometheus metrics, without authentication.
 */
public final class OperationsRoutes {
  private final Journal journal;
  private final JournalStates states;
  private final DatabaseProbe database;
  private final List<Supervised> threads;
  private final PrometheusMeterRegistry prometheus;
  private final LaneDuty lanes;

  /**
   * What readiness checks of this node's share of the apply: it is not ready when it holds no lane
   * while entries have waited over {@code unclaimedFor} in a lane no processor holds (its
   * processors run, yet take nothing).
   */
  public record LaneDuty(LaneStates states, Set<String> owners, Duration unclaimedFor) {}

  public OperationsRoutes(
      final Journal journal,
      final JournalStates states,
      final DatabaseProbe database,
      final List<Supervised> threads,
      final PrometheusMeterRegistry prometheus,
      final LaneDuty lanes) {
    this.journal = journal;
    this.lanes = lanes;
    this.states = states;
    this.database = database;
    this.threads = List.copyOf(threads);
    this.prometheus = prometheus;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .get("/health/live", this::live)
        .get("/health/ready", this::ready)
        .get("/metrics", this::metrics);
  }

  private void live(final ServerRequest request, final ServerResponse response) {
    final Optional<String> stopped = stoppedThread();
    if (stopped.isPresent()) {
      Replies.json(
          response,
          Status.SERVICE_UNAVAILABLE_503,
          Map.of("status", "DOWN", "reason", stopped.get()));
    } else {
      Replies.json(response, Status.OK_200, Map.of("status", "UP"));
    }
  }

  private Optional<String> stoppedThread() {
    for (final Supervised thread : threads) {
      if (!thread.running().getAsBoolean()) {
        return Optional.of(
            "the " + thread.name() + " thread stopped after repeated failures (see the log)");
      }
    }
    return Optional.empty();
  }

  private void ready(final ServerRequest request, final ServerResponse response) {
    final Availability availability = journal.availability();
    final Optional<String> stopped = stoppedThread();
    // bounded: answers within a second, and asks the database at most a few times a second
    final DatabaseProbe.Reachability reachability = database.check();
    final boolean reachable = reachability instanceof DatabaseProbe.Reachable;
    final Optional<String> idle = reachable ? idleWhileWorkWaits() : Optional.empty();
    final boolean up = availability.writable() && reachable && stopped.isEmpty() && idle.isEmpty();
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("journal", availability.writable() ? "writable" : "unwritable");
    body.put("database", reachable ? "reachable" : "unreachable");
    if (!availability.writable()) {
      body.put("reason", availability.reason());
      body.put("since", availability.since().toString());
    } else if (reachability instanceof DatabaseProbe.Unreachable unreachable) {
      body.put("reason", unreachable.reason());
    } else if (stopped.isPresent()) {
      body.put("reason", stopped.get());
    } else if (idle.isPresent()) {
      body.put("reason", idle.get());
    }
    if (!up) {
      response.header(HeaderNames.RETRY_AFTER, "5");
    }
    if (reachable) {
      // counted through the pool, which waits seconds for a connection when the database is gone
      body.put("backlog", states.pendingEntries());
    }
    Replies.json(response, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
  }

  private Optional<String> idleWhileWorkWaits() {
    return lanes.states().idleWhileWorkWaits(lanes.owners(), lanes.unclaimedFor());
  }

  private void metrics(final ServerRequest request, final ServerResponse response) {
    response.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    response.send(prometheus.scrape());
  }
}
