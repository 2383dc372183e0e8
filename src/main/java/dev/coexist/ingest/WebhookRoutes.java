package dev.coexist.ingest;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.DeliveryRefusedException;
import dev.coexist.journal.Journal;
import dev.coexist.journal.JournalUnavailableException;
import dev.coexist.journal.Receipt;
import dev.coexist.web.Replies;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook endpoints: size limit, authentication, a streaming envelope check, then the journal.
 * A delivery is answered 200 only once the journal has it on disk; a journal that cannot write
 * answers 503 with Retry-After so that Meta and 360dialog deliver it again later.
 */
public final class WebhookRoutes implements AutoCloseable {
  public static final String DIALOG_ROUTE = "360dialog";
  public static final String WHATSAPP_ROUTE = "whatsapp";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
  private static final JsonStringEncoder JSON_TEXT = JsonStringEncoder.getInstance();
  private static final MessageDigest SHA_256 = sha256Prototype();
  private static final String RETRY_AFTER_SECONDS = "5";

  /** Headers worth keeping with the body: enough to re-verify it and to trace its sender. */
  private static final List<HeaderName> KEPT_HEADERS =
      Stream.of(
              "content-type",
              "user-agent",
              WebhookAuthenticator.DIALOG_SIGNATURE,
              WebhookAuthenticator.META_SIGNATURE,
              "x-forwarded-for",
              "x-request-id")
          .map(HeaderNames::create)
          .toList();

  private final WebhookAuthenticator authenticator;
  private final Journal journal;
  private final long maxBodyBytes;
  private final Duration ackTimeout;
  private final Optional<String> verifyToken;
  private final MeterRegistry meters;
  private final Map<String, Timer> ackLatency;
  private final BodyReader bodyReader;
  private final AtomicLong lastRefusalLogged = new AtomicLong();
  private final AtomicLong refusalsNotLogged = new AtomicLong();

  public WebhookRoutes(
      final WebhookAuthenticator authenticator,
      final Journal journal,
      final long maxBodyBytes,
      final Duration readTimeout,
      final Duration ackTimeout,
      final Optional<String> verifyToken,
      final MeterRegistry meters) {
    this.authenticator = authenticator;
    this.journal = journal;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyReader = new BodyReader(readTimeout);
    this.ackTimeout = ackTimeout;
    this.verifyToken = verifyToken;
    this.meters = meters;
    this.ackLatency =
        Map.of(
            DIALOG_ROUTE, ackTimer(DIALOG_ROUTE, meters),
            WHATSAPP_ROUTE, ackTimer(WHATSAPP_ROUTE, meters));
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .post(
            "/webhooks/360dialog", (request, response) -> receive(DIALOG_ROUTE, request, response))
        .post(
            "/webhooks/whatsapp", (request, response) -> receive(WHATSAPP_ROUTE, request, response))
        .get("/webhooks/whatsapp", this::handshake);
  }

  private void receive(
      final String route, final ServerRequest request, final ServerResponse response) {
    final long started = System.nanoTime();
    final long receivedAt = System.currentTimeMillis();
    final OptionalLong declaredLength = request.headers().contentLength();
    if (declaredLength.isPresent() && declaredLength.getAsLong() > maxBodyBytes) {
      tooLarge(route, response, declaredLength.getAsLong());
      return;
    }
    final byte[] body;
    try {
      body =
          bodyReader.read(
              request.content().inputStream(),
              (int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
    } catch (BodyReader.BodyNotReceivedException stalled) {
      // the client stalled past the read timeout or went away: its connection is gone and there
      // is nothing to acknowledge
      count(route, "aborted");
      LOG.info("Delivery on {} dropped: {}", route, stalled.getMessage());
      return;
    }
    if (body.length > maxBodyBytes) {
      tooLarge(route, response, body.length);
      return;
    }
    final Optional<WebhookAuthenticator.Refusal> refusal =
        authenticator.check(
            name -> request.headers().first(HeaderNames.create(name)).orElse(null), body);
    if (refusal.isPresent()) {
      unauthorized(route, request, response, refusal.get());
      return;
    }
    final BodyCheck.Verdict verdict = BodyCheck.check(body);
    final Delivery delivery =
        new Delivery(
            receivedAt,
            route,
            keptHeaders(request),
            body,
            sha256Hex(body),
            verdict.eventId(),
            verdict.rejection());
    final Receipt receipt;
    try {
      receipt = journal.append(delivery).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      unavailable(
          route, response, "the journal did not commit within " + ackTimeout.toMillis() + " ms");
      return;
    } catch (ExecutionException failed) {
      final Throwable cause = failed.getCause();
      if (cause instanceof DeliveryRefusedException refused) {
        // the database would not keep even its raw bytes: the delivery is at fault, not us
        count(route, "rejected");
        Replies.error(response, Status.BAD_REQUEST_400, "bad_request", refused.getMessage());
        return;
      }
      unavailable(
          route,
          response,
          cause instanceof JournalUnavailableException
              ? cause.getMessage()
              : String.valueOf(cause));
      return;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      unavailable(route, response, "Coexist is shutting down");
      return;
    }
    switch (receipt.outcome()) {
      case ACCEPTED -> {
        count(route, "accepted");
        // the hot path: a fixed shape, written without an object mapper
        acknowledge(response, "{\"id\":" + receipt.id() + ",\"status\":\"accepted\"}");
      }
      case DUPLICATE -> {
        count(route, "duplicate");
        acknowledge(
            response,
            "{\"id\":"
                + receipt.id()
                + ",\"status\":\"duplicate\",\"duplicate_of\":"
                + receipt.duplicateOf()
                + "}");
      }
      case REJECTED -> {
        count(route, "rejected");
        LOG.info(
            "Delivery on {} rejected as journal entry {}: {}",
            route,
            receipt.id(),
            receipt.rejection());
        Replies.error(
            response,
            Status.BAD_REQUEST_400,
            "bad_request",
            receipt.rejection(),
            Map.of("journal_id", receipt.id()));
      }
    }
    ackLatency.get(route).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  private static void acknowledge(final ServerResponse response, final String json) {
    response.status(Status.OK_200);
    response.header(HeaderNames.CONTENT_TYPE, "application/json");
    response.send(json.getBytes(StandardCharsets.US_ASCII));
  }

  /** Meta's subscription handshake: echo hub.challenge when hub.verify_token matches. */
  private void handshake(final ServerRequest request, final ServerResponse response) {
    final String mode = request.query().first("hub.mode").orElse("");
    final String token = request.query().first("hub.verify_token").orElse("");
    final String challenge = request.query().first("hub.challenge").orElse("");
    if (verifyToken.isEmpty()) {
      Replies.error(
          response,
          Status.FORBIDDEN_403,
          "forbidden",
          "no verify token is configured (--verify-token)");
    } else if (!"subscribe".equals(mode)) {
      Replies.error(response, Status.FORBIDDEN_403, "forbidden", "hub.mode must be 'subscribe'");
    } else if (!MessageDigest.isEqual(
        verifyToken.get().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8))) {
      Replies.error(response, Status.FORBIDDEN_403, "forbidden", "hub.verify_token does not match");
    } else {
      response.header(HeaderNames.CONTENT_TYPE, "text/plain");
      response.send(challenge);
    }
  }

  private void tooLarge(final String route, final ServerResponse response, final long length) {
    count(route, "too_large");
    // the rest of the body is never read; closing the connection is cheaper than draining it
    response.header(HeaderNames.CONNECTION, "close");
    Replies.error(
        response,
        Status.REQUEST_ENTITY_TOO_LARGE_413,
        "payload_too_large",
        "the body has "
            + length
            + " bytes or more; the limit is "
            + maxBodyBytes
            + " (--max-body)");
  }

  private void unauthorized(
      final String route,
      final ServerRequest request,
      final ServerResponse response,
      final WebhookAuthenticator.Refusal refusal) {
    count(route, "unauthorized");
    meters
        .counter("coexist.deliveries.unauthorized", "route", route, "reason", refusal.reason())
        .increment();
    // a sender with a wrong secret retries fast; one line a second says enough, the counter the
    // rest
    final long now = System.currentTimeMillis();
    final long last = lastRefusalLogged.get();
    if (now - last >= 1_000 && lastRefusalLogged.compareAndSet(last, now)) {
      LOG.warn(
          "Delivery on {} from {} refused ({}): {}; {} more refused since the last such line",
          route,
          request.remotePeer().address(),
          refusal.reason(),
          refusal.message(),
          refusalsNotLogged.getAndSet(0));
    } else {
      refusalsNotLogged.incrementAndGet();
    }
    Replies.error(
        response,
        Status.UNAUTHORIZED_401,
        "unauthorized",
        refusal.message(),
        Map.of("code", refusal.reason()));
  }

  private void unavailable(final String route, final ServerResponse response, final String reason) {
    count(route, "unavailable");
    response.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    Replies.error(response, Status.SERVICE_UNAVAILABLE_503, "unavailable", reason);
  }

  private void count(final String route, final String outcome) {
    meters.counter("coexist.deliveries", "route", route, "outcome", outcome).increment();
  }

  /** The kept headers as a JSON object, written by hand: this runs for every delivery. */
  private static String keptHeaders(final ServerRequest request) {
    final StringBuilder json = new StringBuilder(128).append('{');
    for (final HeaderName name : KEPT_HEADERS) {
      final Optional<String> value = request.headers().first(name);
      if (value.isPresent()) {
        if (json.length() > 1) {
          json.append(',');
        }
        json.append('"').append(name.lowerCase()).append("\":\"");
        JSON_TEXT.quoteAsString(value.get(), json);
        json.append('"');
      }
    }
    return json.append('}').toString();
  }

  public static String sha256Hex(final byte[] body) {
    try {
      // cloning a ready digest skips the provider look-up of getInstance on every delivery
      final MessageDigest digest = (MessageDigest) SHA_256.clone();
      return HexFormat.of().formatHex(digest.digest(body));
    } catch (CloneNotSupportedException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static MessageDigest sha256Prototype() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public void close() {
    bodyReader.close();
  }

  private static Timer ackTimer(final String route, final MeterRegistry meters) {
    return Timer.builder("coexist.ack.latency")
        .description("From request start to the durable answer")
        .tag("route", route.toLowerCase(Locale.ROOT))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(meters);
  }
}
