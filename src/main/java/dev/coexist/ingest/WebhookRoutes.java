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
import java.io.InputStream;
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
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook endpoints: size limit, what authentication can tell from the headers, the body read
 * into memory reserved from --ingest-memory, authentication, a streaming envelope check, then the
 * journal. A delivery is answered 200 only once the journal has it on disk; a journal that cannot
 * write, or no room to hold the body, answers 503 with Retry-After so that Meta and 360dialog
 * deliver it again later.
 */
public final class WebhookRoutes implements AutoCloseable {
  // A refused body is read into nothing so that a client still sending it gets its answer rather
  // than a reset connection; but only this much: reading loopback bytes never blocks, and a storm
  // of large unauthenticated uploads kept the server's two carrier threads busy reading them while
  // signed deliveries waited 23-34 s for a thread (bench ingest --scenario abuse). A bigger refused
  // body is cut here, answered, and its connection closed.
  private static final long REFUSED_BODY_READ_MAX = 64L * 1024;

  public static final String DIALOG_ROUTE = "360dialog";
  public static final String WHATSAPP_ROUTE = "whatsapp";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
  private static final JsonStringEncoder JSON_TEXT = JsonStringEncoder.getInstance();
  private static final MessageDigest SHA_256 = sha256Prototype();

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
  private final Map<String, Timer> ackLatency;
  private final BodyReader bodyReader;
  private final IngestMemory memory;
  private final Refusals refusals;

  public WebhookRoutes(
      final WebhookAuthenticator authenticator,
      final Journal journal,
      final long maxBodyBytes,
      final IngestMemory memory,
      final Duration readTimeout,
      final Duration ackTimeout,
      final Optional<String> verifyToken,
      final MeterRegistry meters) {
    this.authenticator = authenticator;
    this.journal = journal;
    this.maxBodyBytes = maxBodyBytes;
    this.memory = memory;
    this.refusals = new Refusals(meters, maxBodyBytes, memory);
    this.bodyReader = new BodyReader(readTimeout);
    this.ackTimeout = ackTimeout;
    this.verifyToken = verifyToken;
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
      refusals.tooLarge(route, response, declaredLength.getAsLong());
      return;
    }
    final Function<String, String> header =
        name -> request.headers().first(HeaderNames.create(name)).orElse(null);
    // the server hands out a request's body stream once: read and discard share this one
    final InputStream in = request.content().inputStream();
    final Optional<WebhookAuthenticator.Refusal> early = authenticator.checkBeforeBody(header);
    if (early.isPresent()) {
      // no body can make up for these headers: it is read into nothing, not into memory
      if (discardBody(route, in, response)) {
        refusals.unauthorized(route, request.remotePeer().address(), response, early.get());
      }
      return;
    }
    // the hold is given back however the request ends: answered, journalled, refused or broken
    try (IngestMemory.Hold hold = memory.hold()) {
      switch (bodyReader.read(in, declaredLength, maxBodyBytes, hold)) {
        case BodyReader.Received received ->
            deliver(route, request, response, header, received.body(), started, receivedAt);
        case BodyReader.TooLarge tooLarge ->
            refusals.tooLarge(route, response, tooLarge.bytesSeen());
        case BodyReader.OverBudget overBudget -> {
          // what was read of it goes back before the rest is read into nothing
          hold.close();
          if (discardBody(route, in, response)) {
            refusals.overBudget(route, response, overBudget.bytesWanted());
          }
        }
        case BodyReader.NotReceived notReceived -> refusals.aborted(route, notReceived.why());
      }
    }
  }

  /** A body that was read whole, within the budget: authentication, envelope check, journal. */
  private void deliver(
      final String route,
      final ServerRequest request,
      final ServerResponse response,
      final Function<String, String> header,
      final byte[] body,
      final long started,
      final long receivedAt) {
    final Optional<WebhookAuthenticator.Refusal> refusal = authenticator.check(header, body);
    if (refusal.isPresent()) {
      refusals.unauthorized(route, request.remotePeer().address(), response, refusal.get());
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
      refusals.unavailable(
          route, response, "the journal did not commit within " + ackTimeout.toMillis() + " ms");
      return;
    } catch (ExecutionException failed) {
      final Throwable cause = failed.getCause();
      if (cause instanceof DeliveryRefusedException refused) {
        // the database would not keep even its raw bytes: the delivery is at fault, not us
        refusals.count(route, "rejected");
        Replies.error(response, Status.BAD_REQUEST_400, "bad_request", refused.getMessage());
        return;
      }
      refusals.unavailable(
          route,
          response,
          cause instanceof JournalUnavailableException
              ? cause.getMessage()
              : String.valueOf(cause));
      return;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      refusals.unavailable(route, response, "Coexist is shutting down");
      return;
    }
    switch (receipt.outcome()) {
      case ACCEPTED -> {
        refusals.count(route, "accepted");
        // the hot path: a fixed shape, written without an object mapper
        acknowledge(response, "{\"id\":" + receipt.id() + ",\"status\":\"accepted\"}");
      }
      case DUPLICATE -> {
        refusals.count(route, "duplicate");
        acknowledge(
            response,
            "{\"id\":"
                + receipt.id()
                + ",\"status\":\"duplicate\",\"duplicate_of\":"
                + receipt.duplicateOf()
                + "}");
      }
      case REJECTED -> {
        refusals.count(route, "rejected");
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

  /**
   * Reads a refused body into nothing, so that a client still sending it reads its answer rather
   * than a reset connection; a body bigger than {@link #REFUSED_BODY_READ_MAX} is cut, and its
   * connection closed after the answer. False when the client is gone and no one is left to answer.
   */
  private boolean discardBody(
      final String route, final InputStream in, final ServerResponse response) {
    return switch (bodyReader.discard(in, Math.min(maxBodyBytes, REFUSED_BODY_READ_MAX))) {
      case BodyReader.Discarded discarded -> true;
      case BodyReader.TooLarge tooLarge -> {
        // the rest was not read: the connection cannot carry another request
        response.header(HeaderNames.CONNECTION, "close");
        yield true;
      }
      case BodyReader.NotReceived notReceived -> {
        refusals.aborted(route, notReceived.why());
        yield false;
      }
    };
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
