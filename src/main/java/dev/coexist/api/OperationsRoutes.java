package dev.coexist.api;

import dev.coexist.journal.Availability;
import dev.coexist.journal.Journal;
import dev.coexist.store.JournalStates;
import dev.coexist.web.Replies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** Liveness, readiness (can the journal write?) and Prometheus metrics, without authentication. */
public final class OperationsRoutes {
  private final Journal journal;
  private final JournalStates states;
  private final PrometheusMeterRegistry prometheus;

  public OperationsRoutes(
      final Journal journal, final JournalStates states, final PrometheusMeterRegistry prometheus) {
    this.journal = journal;
    this.states = states;
    this.prometheus = prometheus;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .get(
            "/health/live",
            (request, response) -> Replies.json(response, Status.OK_200, Map.of("status", "UP")))
        .get("/health/ready", this::ready)
        .get("/metrics", this::metrics);
  }

  private void ready(final ServerRequest request, final ServerResponse response) {
    final Availability availability = journal.availability();
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", availability.writable() ? "UP" : "DOWN");
    body.put("journal", availability.writable() ? "writable" : "unwritable");
    if (!availability.writable()) {
      body.put("reason", availability.reason());
      body.put("since", availability.since().toString());
      response.header(HeaderNames.RETRY_AFTER, "5");
    }
    body.put("backlog", states.pendingEntries());
    Replies.json(
        response, availability.writable() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
  }

  private void metrics(final ServerRequest request, final ServerResponse response) {
    response.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    response.send(prometheus.scrape());
  }
}
