package dev.coexist.api;

import dev.coexist.db.Database;
import dev.coexist.store.AlertQueries;
import dev.coexist.store.AlertView;
import dev.coexist.store.FailureQueries;
import dev.coexist.store.FailureView;
import dev.coexist.store.FailureView.FailureCursor;
import dev.coexist.store.NumberQueries;
import dev.coexist.store.Page;
import dev.coexist.store.TimelineEvent;
import dev.coexist.store.TimelineEvent.Position;
import dev.coexist.store.TimelineJson;
import dev.coexist.store.TimelineQueries;
import dev.coexist.web.Replies;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What support looks at when a number misbehaves: failed sends across numbers ({@code
 * /api/v1/failures}), a number's account and partner events ({@code /api/v1/numbers/{id}/events}),
 * every partner event ({@code /api/v1/partner-events}) and the numbers' alerts ({@code
 * /api/v1/alerts}).
 */
public final class TimelineApi {
  private final FailureQueries failures;
  private final TimelineQueries timeline;
  private final NumberQueries numbers;
  private final AlertQueries alerts;
  private final ApiGuard guard;

  /**
   * @param stallAfter a history sync in progress with no chunk for this long is {@code stalled}
   */
  public TimelineApi(
      final Database database, final Clock clock, final Duration stallAfter, final ApiGuard guard) {
    this.failures = new FailureQueries(database);
    this.timeline = new TimelineQueries(database);
    this.numbers = new NumberQueries(database, clock, stallAfter);
    this.alerts = new AlertQueries(database, numbers, clock);
    this.guard = guard;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .get(
            "/api/v1/failures",
            guard.guarded(List.of("since", "number", "limit", "cursor"), this::failures))
        .get(
            "/api/v1/numbers/{number}/events",
            guard.guarded(List.of("limit", "cursor"), this::numberEvents))
        .get(
            "/api/v1/partner-events",
            guard.guarded(List.of("limit", "cursor"), this::partnerEvents))
        .get("/api/v1/alerts", guard.guarded(List.of("number"), this::alerts));
  }

  private void failures(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final Instant since = request.query().first("since").map(TimelineApi::instant).orElse(null);
    final String number = request.query().first("number").orElse(null);
    if (number != null && numbers.find(number).isEmpty()) {
      throw new ApiGuard.NotFoundException("no phone number " + number);
    }
    final FailureCursor after =
        request
            .query()
            .first("cursor")
            .map(text -> Cursor.decode(text, "failures", 3))
            .map(
                cursor ->
                    new FailureCursor(
                        cursor.longAt(0), cursor.position().get(1), cursor.position().get(2)))
            .orElse(null);
    final Page<FailureView, FailureCursor> page = failures.page(since, number, after, limit);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("failures", page.items().stream().map(TimelineJson::failure).toList());
    body.put(
        "next_cursor",
        page.next() == null
            ? null
            : new Cursor(
                    "failures",
                    List.of(
                        String.valueOf(page.next().atSeconds()),
                        page.next().phoneNumberId(),
                        page.next().wamid()))
                .encode());
    Replies.json(response, Status.OK_200, body);
  }

  private void numberEvents(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String number = request.path().pathParameters().get("number");
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final Page<TimelineEvent, Position> page =
        timeline
            .ofNumber(number, position(request), limit)
            .orElseThrow(() -> new ApiGuard.NotFoundException("no phone number " + number));
    Replies.json(response, Status.OK_200, events(page));
  }

  private void partnerEvents(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    Replies.json(response, Status.OK_200, events(timeline.partnerEvents(position(request), limit)));
  }

  private void alerts(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String number = request.query().first("number").orElse(null);
    if (number != null && numbers.find(number).isEmpty()) {
      throw new ApiGuard.NotFoundException("no phone number " + number);
    }
    final List<AlertView> all = alerts.alerts(number);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("count", all.size());
    body.put("alerts", all.stream().map(TimelineJson::alert).toList());
    Replies.json(response, Status.OK_200, body);
  }

  private static Map<String, Object> events(final Page<TimelineEvent, Position> page) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", page.items().stream().map(TimelineJson::event).toList());
    body.put(
        "next_cursor",
        page.next() == null
            ? null
            : new Cursor(
                    "events",
                    List.of(String.valueOf(page.next().journalId()), page.next().location()))
                .encode());
    return body;
  }

  private static Position position(final ServerRequest request) {
    return request
        .query()
        .first("cursor")
        .map(text -> Cursor.decode(text, "events", 2))
        .map(cursor -> new Position(cursor.longAt(0), cursor.position().get(1)))
        .orElse(null);
  }

  private static Instant instant(final String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      throw new BadRequestException(
          "since '" + text + "' is not an ISO-8601 instant such as 2026-03-16T12:00:00Z");
    }
  }
}
