package dev.coexist.changes;

import dev.coexist.api.ApiKeys;
import dev.coexist.web.Replies;
import dev.coexist.web.UnknownParameters;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: checks the API key and the filters, decides whether the client's
 * {@code Last-Event-ID} can be resumed, then streams one subscription on the request's own
 * (virtual) thread until the client goes away, is dropped, or Coexist stops.
 */
final class FeedEndpoint {
  static final String PATH = "/api/v1/events";
  private static final Logger LOG = LoggerFactory.getLogger(FeedEndpoint.class);
  private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");

  private final ChangeFeed feed;
  private final ApiKeys keys;
  private final ChangeLog log;

  FeedEndpoint(final ChangeFeed feed, final ApiKeys keys, final ChangeLog log) {
    this.feed = feed;
    this.keys = keys;
    this.log = log;
  }

  void register(final HttpRouting.Builder routing) {
    routing.get(PATH, this::stream);
  }

  private void stream(final ServerRequest request, final ServerResponse response) {
    final Optional<String> refusal =
        keys.refusal(request.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
    if (refusal.isPresent()) {
      Replies.error(response, Status.UNAUTHORIZED_401, "unauthorized", refusal.get());
      return;
    }
    final Optional<String> unknown =
        UnknownParameters.refusal(request.query().names(), List.of("types", "number"));
    if (unknown.isPresent()) {
      Replies.error(response, Status.BAD_REQUEST_400, "bad_request", unknown.get());
      return;
    }
    final ChangeFilter filter;
    try {
      filter =
          ChangeFilter.parse(
              request.query().first("types").orElse(null),
              request.query().first("number").orElse(null));
    } catch (IllegalArgumentException invalid) {
      Replies.error(response, Status.BAD_REQUEST_400, "invalid_filter", invalid.getMessage());
      return;
    }
    final Optional<String> lastEventId = request.headers().first(LAST_EVENT_ID);
    final OptionalLong resumeAfter;
    try {
      resumeAfter = resumable(lastEventId);
    } catch (SQLException unreadable) {
      LOG.warn("Change log unreadable for a feed client: {}", unreadable.getMessage());
      Replies.error(
          response, Status.SERVICE_UNAVAILABLE_503, "unavailable", "the change log is unreadable");
      return;
    }
    final Optional<Subscription> subscription =
        feed.subscribe(resumeAfter, lastEventId.isPresent() && resumeAfter.isEmpty(), filter);
    if (subscription.isEmpty()) {
      Replies.error(response, Status.SERVICE_UNAVAILABLE_503, "unavailable", "Coexist is stopping");
      return;
    }
    final Subscriber subscriber = subscription.get().subscriber();
    response.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.header(HeaderNames.CACHE_CONTROL, "no-cache, no-store");
    // nginx buffers proxied responses unless told otherwise, which would hold events back
    response.header("X-Accel-Buffering", "no");
    try (OutputStream out = response.outputStream()) {
      new EventWriter(out, feed.settings().heartbeat(), log::after).write(subscription.get());
      LOG.debug("Change feed stream ended: {}", subscriber.stopReason());
    } catch (IOException | UncheckedIOException gone) {
      LOG.debug("Change feed client went away: {}", gone.getMessage());
    } catch (SQLException unreadable) {
      // the client reconnects with the last id it got and resumes from there
      LOG.warn(
          "Change feed stream ended, the change log is unreadable: {}", unreadable.getMessage());
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } finally {
      feed.unsubscribe(subscriber);
    }
  }

  /**
   * The id to resume after; empty when there is none, or when the client must reload: not a number,
   * older than what the log keeps, or newer than any change of this store.
   */
  private OptionalLong resumable(final Optional<String> lastEventId) throws SQLException {
    if (lastEventId.isEmpty()) {
      return OptionalLong.empty();
    }
    final long id;
    try {
      id = Long.parseLong(lastEventId.get().strip());
    } catch (NumberFormatException notOurs) {
      return OptionalLong.empty();
    }
    if (id < log.horizon() || id < 0) {
      return OptionalLong.empty();
    }
    if (id > feed.newestId() && id > log.newest()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(id);
  }
}
