package dev.coexist.changes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.api.ApiGuard;
import dev.coexist.api.BadRequestException;
import dev.coexist.web.Replies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/v1/subscriptions}: the partner's outbound webhooks. Create (the secret is generated
 * unless given, and shown in this answer and after a rotation only), list, show (state, counters,
 * lag, recent attempts), change (pause, resume, rotate the secret, url and filters), delete; the
 * dead letters of one, and replaying them.
 */
public final class SubscriptionRoutes {
  static final String PATH = "/api/v1/subscriptions";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 16 * 1024;
  private static final int RECENT = 20;
  private static final int DEAD_LETTERS_PAGE = 100;

  private final Subscriptions subscriptions;
  private final OutboundQueue queue;
  private final ApiGuard guard;
  private final Clock clock;
  private final boolean allowPrivateTargets;
  private final Runnable wakeForwarder;

  public SubscriptionRoutes(
      final Subscriptions subscriptions,
      final OutboundQueue queue,
      final ApiGuard guard,
      final Clock clock,
      final boolean allowPrivateTargets,
      final Runnable wakeForwarder) {
    this.subscriptions = subscriptions;
    this.queue = queue;
    this.guard = guard;
    this.clock = clock;
    this.allowPrivateTargets = allowPrivateTargets;
    this.wakeForwarder = wakeForwarder;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .post(PATH, guard.guarded(this::create))
        .get(PATH, guard.guarded(List.of(), this::list))
        .get(PATH + "/{id}", guard.guarded(List.of(), this::show))
        .patch(PATH + "/{id}", guard.guarded(this::change))
        .delete(PATH + "/{id}", guard.guarded(this::delete))
        .get(PATH + "/{id}/dead-letters", guard.guarded(List.of("after"), this::deadLetters))
        .post(PATH + "/{id}/replay", guard.guarded(this::replay));
  }

  private void create(final ServerRequest request, final ServerResponse response)
      throws SQLException, IOException {
    final JsonNode body = body(request);
    final String given = text(body, "url");
    final String secret = valid(() -> SubscriptionRules.secret(text(body, "secret")));
    final List<String> types = types(body.path("types"));
    final List<String> numbers = numbers(body.path("numbers"));
    // last: it may ask the DNS
    final String url = valid(() -> SubscriptionRules.url(given, allowPrivateTargets));
    final Boolean historyMessages = flag(body, "history_messages");
    final WebhookSubscription created =
        subscriptions.create(
            new Subscriptions.NewSubscription(
                url,
                text(body, "description"),
                types,
                numbers,
                secret,
                historyMessages != null && historyMessages),
            clock.instant());
    wakeForwarder.run();
    response.header(HeaderNames.LOCATION, PATH + "/" + created.id());
    Replies.json(
        response,
        Status.CREATED_201,
        SubscriptionJson.of(created, true, null, List.of(), clock.instant()));
  }

  private void list(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final List<Map<String, Object>> all = new ArrayList<>();
    for (final WebhookSubscription subscription : subscriptions.list()) {
      all.add(
          SubscriptionJson.of(
              subscription, false, queue.oldestPending(subscription.id()), null, clock.instant()));
    }
    Replies.json(response, Status.OK_200, Map.of("subscriptions", all));
  }

  private void show(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final WebhookSubscription subscription = found(request);
    Replies.json(
        response,
        Status.OK_200,
        SubscriptionJson.of(
            subscription,
            false,
            queue.oldestPending(subscription.id()),
            queue.recent(subscription.id(), RECENT),
            clock.instant()));
  }

  private void change(final ServerRequest request, final ServerResponse response)
      throws SQLException, IOException {
    final String id = request.path().pathParameters().get("id");
    final JsonNode body = body(request);
    final String givenUrl = text(body, "url");
    final String url =
        givenUrl == null ? null : valid(() -> SubscriptionRules.url(givenUrl, allowPrivateTargets));
    final String secret = valid(() -> SubscriptionRules.secret(text(body, "secret")));
    final String state = text(body, "state");
    if (state != null
        && !state.equals(WebhookSubscription.ACTIVE)
        && !state.equals(WebhookSubscription.PAUSED)) {
      throw new BadRequestException("state must be active (resume) or paused, was '" + state + "'");
    }
    final boolean rotate = body.path("rotate_secret").asBoolean(false);
    final Boolean historyMessages = flag(body, "history_messages");
    final WebhookSubscription changed =
        subscriptions
            .change(
                id,
                new Subscriptions.Change(
                    url,
                    text(body, "description"),
                    body.has("types") ? types(body.path("types")) : null,
                    body.has("numbers") ? numbers(body.path("numbers")) : null,
                    state,
                    secret,
                    rotate,
                    historyMessages),
                clock.instant())
            .orElseThrow(() -> new ApiGuard.NotFoundException("no subscription " + id));
    wakeForwarder.run();
    Replies.json(
        response,
        Status.OK_200,
        SubscriptionJson.of(
            changed,
            rotate || secret != null,
            queue.oldestPending(changed.id()),
            null,
            clock.instant()));
  }

  private void delete(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String id = request.path().pathParameters().get("id");
    if (!subscriptions.delete(id)) {
      throw new ApiGuard.NotFoundException("no subscription " + id);
    }
    response.status(Status.NO_CONTENT_204);
    response.send();
  }

  private void deadLetters(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final WebhookSubscription subscription = found(request);
    final EventId after =
        request.query().first("after").map(text -> eventId(text, "after")).orElse(EventId.of(0));
    final List<OutboundQueue.Attempted> dead =
        queue.inState(subscription.id(), "dead", after, DEAD_LETTERS_PAGE);
    final Map<String, Object> page = new LinkedHashMap<>();
    page.put("dead_letters", dead.stream().map(SubscriptionJson::attempt).toList());
    page.put(
        "next_after",
        dead.size() < DEAD_LETTERS_PAGE
            ? null
            : SubscriptionJson.id(dead.get(dead.size() - 1).webhookId()));
    Replies.json(response, Status.OK_200, page);
  }

  private void replay(final ServerRequest request, final ServerResponse response)
      throws SQLException, IOException {
    final WebhookSubscription subscription = found(request);
    final JsonNode body = body(request);
    final Instant now = clock.instant();
    final int replayed;
    if (body.path("id").isIntegralNumber() || body.path("id").isTextual()) {
      final EventId id =
          body.path("id").isIntegralNumber()
              ? EventId.of(body.path("id").asLong())
              : eventId(body.path("id").asText(), "id");
      replayed = queue.replay(subscription.id(), id, now) ? 1 : 0;
      if (replayed == 0) {
        throw new ApiGuard.NotFoundException(
            "event " + id + " is not a dead letter of " + subscription.id());
      }
    } else if (body.path("since").isTextual()) {
      final Instant since;
      try {
        since = Instant.parse(body.path("since").asText());
      } catch (DateTimeParseException invalid) {
        throw new BadRequestException(
            "since must be an ISO-8601 instant, e.g. 2026-03-16T12:00:00Z");
      }
      replayed = queue.replaySince(subscription.id(), since, now);
    } else {
      throw new BadRequestException(
          "the body must be {\"id\": <event id>} (a whole number, or \"seq.n\" for a message of a"
              + " history chunk) or {\"since\": \"<ISO-8601 instant>\"}");
    }
    wakeForwarder.run();
    Replies.json(response, Status.ACCEPTED_202, Map.of("replayed", replayed));
  }

  private WebhookSubscription found(final ServerRequest request) throws SQLException {
    final String id = request.path().pathParameters().get("id");
    return subscriptions
        .find(id)
        .orElseThrow(() -> new ApiGuard.NotFoundException("no subscription " + id));
  }

  /** The value a rule of {@link SubscriptionRules} gives, or a 400 with the rule's reason. */
  private static <T> T valid(final Supplier<T> rule) {
    try {
      return rule.get();
    } catch (IllegalArgumentException refused) {
      throw new BadRequestException(refused.getMessage());
    }
  }

  private static JsonNode body(final ServerRequest request) throws IOException {
    try (InputStream in = request.content().inputStream()) {
      final byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new BadRequestException("the body must be a small JSON object");
      }
      final JsonNode body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
      if (!body.isObject()) {
        throw new BadRequestException("the body must be a JSON object");
      }
      return body;
    } catch (JsonProcessingException invalid) {
      throw new BadRequestException("the body is not JSON: " + invalid.getOriginalMessage());
    }
  }

  private static String text(final JsonNode body, final String field) {
    final JsonNode value = body.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadRequestException(field + " must be a string");
    }
    return value.asText();
  }

  /** A true or false field; null when left out. */
  private static Boolean flag(final JsonNode body, final String field) {
    final JsonNode value = body.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw new BadRequestException(field + " must be true or false");
    }
    return value.booleanValue();
  }

  private static List<String> types(final JsonNode value) {
    final List<String> types = strings(value, "types");
    return valid(() -> SubscriptionRules.types(types));
  }

  private static List<String> numbers(final JsonNode value) {
    final List<String> numbers = strings(value, "numbers");
    return valid(() -> SubscriptionRules.numbers(numbers));
  }

  private static List<String> strings(final JsonNode value, final String field) {
    if (value.isMissingNode() || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new BadRequestException(field + " must be an array of strings");
    }
    final List<String> strings = new ArrayList<>();
    for (final JsonNode item : value) {
      if (!item.isTextual()) {
        throw new BadRequestException(field + " must be an array of strings");
      }
      strings.add(item.asText());
    }
    return strings;
  }

  private static EventId eventId(final String text, final String what) {
    try {
      return EventId.parse(text);
    } catch (IllegalArgumentException notAnId) {
      throw new BadRequestException(what + ": " + notAnId.getMessage());
    }
  }
}
