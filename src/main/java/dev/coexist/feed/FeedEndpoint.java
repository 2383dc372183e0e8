package dev.coexist.feed;

import dev.coexist.api.ApiKeys;
import dev.coexist.web.Replies;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: checks the API key, then streams one subscription on the request's
 * own (virtual) thread until the client goes away, is dropped, or Coexist stops.
 */
final class FeedEndpoint {
  static final String PATH = "/api/v1/events";
  private static final Logger LOG = LoggerFactory.getLogger(FeedEndpoint.class);
  private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");

  private final ChangeFeed feed;
  private final ApiKeys keys;

  FeedEndpoint(final ChangeFeed feed, final ApiKeys keys) {
    this.feed = feed;
    this.keys = keys;
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
    final Optional<Subscription> subscription =
        feed.subscribe(request.headers().first(LAST_EVENT_ID));
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
      new EventWriter(out, feed.settings().heartbeat()).write(subscription.get());
      LOG.debug("Change feed stream ended: {}", subscriber.stopReason());
    } catch (IOException | UncheckedIOException gone) {
      LOG.debug("Change feed client went away: {}", gone.getMessage());
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } finally {
      feed.unsubscribe(subscriber);
    }
  }
}
