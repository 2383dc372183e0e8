package dev.coexist.changes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Sends one event to a subscription's URL, signed as Standard Webhooks 1.0 asks ({@code
 * webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}), and says what came of it.
 * Redirects are not followed; the answer's body is not read.
 */
final class WebhookSender implements AutoCloseable {
  private final ForwarderSettings settings;
  private final Clock clock;
  private final HttpClient client;

  WebhookSender(final ForwarderSettings settings, final Clock clock, final Executor executor) {
    this.settings = settings;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
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
      if (!settings.allowPrivateTargets()) {
        TargetAddress.refusePrivate(target.getHost());
      }
      final HttpRequest request =
          HttpRequest.newBuilder(target)
              .timeout(settings.timeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "Coexist-Webhooks")
              .header("webhook-id", id)
              .header("webhook-timestamp", Long.toString(timestamp))
              .header(
                  "webhook-signature",
                  WebhookSigner.signature(subscription.signingSecrets(now), id, timestamp, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      final HttpResponse<Void> response =
          client.send(request, HttpResponse.BodyHandlers.discarding());
      return new Attempt(
          response.statusCode(),
          "answered " + response.statusCode(),
          RetrySchedule.retryAfter(
              response.headers().firstValue("Retry-After").orElse(null), clock.instant()));
    } catch (HttpTimeoutException slow) {
      return new Attempt(null, "no answer within " + settings.timeout(), Optional.empty());
    } catch (IOException | IllegalArgumentException failed) {
      return new Attempt(
          null,
          failed.getClass().getSimpleName()
              + (failed.getMessage() == null ? "" : ": " + failed.getMessage()),
          Optional.empty());
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      return new Attempt(null, "Coexist stopped during the delivery", Optional.empty());
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
