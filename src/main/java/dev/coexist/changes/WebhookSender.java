package dev.coexist.changes;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Sends one event to a subscription's URL, signed as Standard Webhooks 1.0 asks ({@code
 * webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}), and says what came of it.
 * Redirects are not followed; the answer's body is read away, not kept.
 */
final class WebhookSender implements AutoCloseable {
  private final ForwarderSettings settings;
  private final Clock clock;
  private final OutboundConnections connections;

  WebhookSender(final ForwarderSettings settings, final Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.connections =
        new OutboundConnections(settings.connectTimeout(), settings.allowPrivateTargets());
  }

  /** What one attempt got: a status (null when no answer came), or the reason it failed. */
  record Attempt(Integer status, String error, Optional<Duration> retryAfter) {
    boolean delivered() {
      return status != null && status >= 200 && status < 300;
    }
  }

  /**
   * One attempt to send an event.
   *
   * @param id its {@code webhook-id}
   * @param body the event, {@code {"type", "timestamp", "data"}}
   */
  Attempt attempt(final WebhookSubscription subscription, final String id, final byte[] body) {
    final Instant now = clock.instant();
    final long timestamp = now.getEpochSecond();
    try {
      final URI target = URI.create(subscription.url());
      final OutboundConnections.Origin origin = OutboundConnections.Origin.of(target);
      final String path =
          (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
              + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
      final String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: "
              + origin.hostHeader()
              + "\r\nContent-Type: application/json\r\nUser-Agent: Coexist-Webhooks\r\n"
              + "webhook-id: "
              + id
              + "\r\nwebhook-timestamp: "
              + timestamp
              + "\r\nwebhook-signature: "
              + WebhookSigner.signature(subscription.signingSecrets(now), id, timestamp, body)
              + "\r\nContent-Length: "
              + body.length
              + "\r\n\r\n";
      final OutboundConnection.Answer answer =
          connections.send(origin, OutboundConnection.ascii(head), body, settings.timeout());
      return new Attempt(
          answer.status(),
          "answered " + answer.status(),
          RetrySchedule.retryAfter(answer.retryAfter().orElse(null), clock.instant()));
    } catch (OutboundConnections.Overran slow) {
      return new Attempt(null, slow.getMessage(), Optional.empty());
    } catch (IOException | IllegalArgumentException failed) {
      return new Attempt(
          null,
          failed.getClass().getSimpleName()
              + (failed.getMessage() == null ? "" : ": " + failed.getMessage()),
          Optional.empty());
    }
  }

  @Override
  public void close() {
    connections.close();
  }
}
