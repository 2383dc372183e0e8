package dev.coexist.ingest;

import dev.coexist.web.Replies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way a delivery is turned away before the journal has it: the status and JSON reason the
 * sender sees, the counters, and the log line. What a stranger is told is kept to what a genuine
 * sender needs to act on; the detail goes to the log and the metrics.
 */
final class Refusals {
  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  /** Meta and 360dialog retry on their own schedule; this is a hint to any other client. */
  private static final String RETRY_AFTER_SECONDS = "5";

  /**
   * One log line per refusal reason per interval: a sender with a wrong secret, or a crowd of
   * strangers, is seen within seconds without the log growing with every request.
   */
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  /** All a refused sender is told: the detail would name the configured schemes and headers. */
  static final String UNAUTHORIZED_REASON = "the delivery does not carry valid credentials";

  private final MeterRegistry meters;
  private final long maxBodyBytes;
  private final IngestMemory memory;
  private final RefusalLog log = new RefusalLog(LOG_INTERVAL);

  Refusals(final MeterRegistry meters, final long maxBodyBytes, final IngestMemory memory) {
    this.meters = meters;
    this.maxBodyBytes = maxBodyBytes;
    this.memory = memory;
  }

  /** Counts what became of a delivery, refused or not, in coexist_deliveries_total. */
  void count(final String route, final String outcome) {
    meters.counter("coexist.deliveries", "route", route, "outcome", outcome).increment();
  }

  void tooLarge(final String route, final ServerResponse response, final long length) {
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

  void unauthorized(
      final String route,
      final Object peer,
      final ServerResponse response,
      final WebhookAuthenticator.Refusal refusal) {
    count(route, "unauthorized");
    meters
        .counter("coexist.deliveries.unauthorized", "route", route, "reason", refusal.reason())
        .increment();
    log.refused(route, peer, refusal);
    // which schemes and header names are configured is for the log, not for whoever asks
    Replies.error(response, Status.UNAUTHORIZED_401, "unauthorized", UNAUTHORIZED_REASON);
  }

  /** No room in --ingest-memory for this body: the sender is to deliver it again later. */
  void overBudget(final String route, final ServerResponse response, final long wanted) {
    count(route, "overloaded");
    meters.counter("coexist.ingest.memory.refused", "route", route).increment();
    log.overBudget(route, wanted, memory.inUse(), memory.limit());
    response.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    Replies.error(
        response,
        Status.SERVICE_UNAVAILABLE_503,
        "unavailable",
        "too many deliveries are being received at once; deliver again later");
  }

  /** The journal did not take the delivery in time, or cannot write. */
  void unavailable(final String route, final ServerResponse response, final String reason) {
    count(route, "unavailable");
    response.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    Replies.error(response, Status.SERVICE_UNAVAILABLE_503, "unavailable", reason);
  }

  void aborted(final String route, final String why) {
    // the client stalled past the read timeout or went away: its connection is gone and there is
    // nothing to acknowledge
    count(route, "aborted");
    LOG.info("Delivery on {} dropped: {}", route, why);
  }
}
