package dev.coexist.bench;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of {@code bench forward}, each on a fresh Coexist ({@code coexist serve} with {@code
 * --allow-private-targets true}: the option takes a value) whose subscriptions deliver {@code
 * message.created} to a {@link WebhookReceiver} in this JVM; the changes come from live deliveries
 * ({@link LiveLoad}), two of every three of them a message.
 */
final class ForwardSteps {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardSteps.class);

  static final String API_KEY = "bench-forward-api-key";
  static final List<String> TYPES = List.of("message.created");

  /** Lets every sender start before the first delivery. */
  private static final long START_DELAY_NANOS = 200_000_000L;

  /** The journal filled for a throughput step must be applied within this. */
  static final Duration APPLY_LIMIT = Duration.ofMinutes(10);

  /** Waiting for events ends when none arrived for this long: the forwarder stopped sending. */
  static final Duration STALL = Duration.ofSeconds(30);

  /** After a latency step's load, the events still on their way may take this long. */
  static final Duration LATENCY_WAIT = Duration.ofSeconds(60);

  /**
   * What every step shares.
   *
   * @param postgres null for SQLite in the child's data directory
   */
  record Setup(
      LiveDeliveries deliveries,
      int connections,
      List<String> jvmOptions,
      boolean keepData,
      BenchPostgres postgres,
      String storage) {

    List<String> serveOptions() throws SQLException {
      final List<String> database =
          postgres == null ? List.of() : List.of("--database", postgres.newDatabase());
      return Stream.concat(
              database.stream(), Stream.of("--api-key", API_KEY, "--allow-private-targets", "true"))
          .toList();
    }
  }

  /**
   * CPU over a phase.
   *
   * @param serverCores Coexist's CPU in cores, NaN when unknown
   * @param machineBusy all cores' busy share 0..1, NaN when unknown
   */
  record Usage(double serverCores, double machineBusy) {}

  /**
   * A throughput step: the subscriptions paused while live deliveries fill the change log, then
   * resumed at once; the backlog drained.
   *
   * @param fill the deliveries that made the changes
   * @param expectedPerSubscription message.created changes each subscription should get, -1 when
   *     not known (a delivery was not acknowledged)
   * @param delivered events accepted at least once, summed over the subscriptions
   * @param firstEventSeconds from the resume to the first event
   * @param drainSeconds from the resume to the last event's first arrival
   * @param complete every expected event arrived before the drain limit or a stall
   */
  record Throughput(
      int subscriptions,
      double fillRate,
      double fillSeconds,
      LiveLoad.Sent fill,
      boolean applied,
      long expectedPerSubscription,
      long delivered,
      long duplicates,
      long outOfOrder,
      double firstEventSeconds,
      double drainSeconds,
      boolean complete,
      Usage usage,
      List<SubscriptionClient.Figures> figures,
      long badSignatures) {

    double eventsPerSecond() {
      return drainSeconds <= 0 ? Double.NaN : delivered / drainSeconds;
    }

    long expected() {
      return expectedPerSubscription < 0 ? -1 : expectedPerSubscription * subscriptions;
    }
  }

  /**
   * A latency step: one active subscription while live deliveries arrive at a fixed rate.
   *
   * @param expected message.created changes made, -1 when not known
   * @param inWindow events that first arrived during the window
   * @param latencyMicros commit → arrival of the events committed after the first seconds
   */
  record Latency(
      double rate,
      double windowSeconds,
      LiveLoad.Sent sent,
      long expected,
      long delivered,
      long inWindow,
      long duplicates,
      long outOfOrder,
      Histogram latencyMicros,
      boolean complete,
      Usage usage,
      SubscriptionClient.Figures figures,
      long badSignatures) {

    double eventsPerSecond() {
      return inWindow / windowSeconds;
    }

    double offeredEventsPerSecond() {
      return expected < 0 ? Double.NaN : expected / windowSeconds;
    }

    long missing() {
      return expected < 0 ? 0 : Math.max(0, expected - delivered);
    }
  }

  /**
   * An outage step: one active subscription at a low rate; the receiver answers 503 for the outage,
   * then 200 again.
   *
   * @param leadSeconds the load before the outage and after it
   * @param catchUpMicros events committed before the receiver came back that had not arrived by
   *     then: how long after it each arrived
   * @param lastAfterBackSeconds the last event's arrival after the receiver came back
   * @param committedDuringOutage events committed while the receiver was down that arrived
   */
  record Outage(
      double rate,
      Duration outage,
      double leadSeconds,
      LiveLoad.Sent sent,
      long expected,
      long delivered,
      WamidCheck wamids,
      long duplicates,
      long outOfOrder,
      long threads,
      long refused,
      long committedDuringOutage,
      Histogram catchUpMicros,
      double lastAfterBackSeconds,
      boolean complete,
      double waitedSeconds,
      Optional<SubscriptionClient.Figures> figures,
      long badSignatures) {}

  /**
   * The messages' wamids that arrived in {@code message.created} events against those the run sent:
   * each message should arrive exactly once as created, whatever the events count.
   *
   * @param missing wamids sent that arrived in no event (-1: not known, deliveries unacknowledged)
   * @param unexpected wamids that arrived but were not sent as messages (-1: not known)
   */
  record WamidCheck(long arrived, long missing, long unexpected) {

    static WamidCheck of(
        final LiveDeliveries deliveries, final LiveLoad.Sent sent, final Set<String> arrived) {
      if (sent.acks() != sent.due()) {
        return new WamidCheck(arrived.size(), -1, -1);
      }
      final Set<String> expected = new HashSet<>();
      for (long sequence = 0; sequence < sent.due(); sequence++) {
        final String wamid = deliveries.messageWamid(sequence);
        if (wamid != null) {
          expected.add(wamid);
        }
      }
      final long missing = expected.stream().filter(wamid -> !arrived.contains(wamid)).count();
      final long unexpected = arrived.stream().filter(wamid -> !expected.contains(wamid)).count();
      return new WamidCheck(arrived.size(), missing, unexpected);
    }
  }

  private ForwardSteps() {}

  static Throughput throughput(
      final Setup setup,
      final int subscriptions,
      final long backlog,
      final double fillRate,
      final Duration drainLimit)
      throws IOException, InterruptedException, SQLException {
    final long changes = ceilDiv(backlog, subscriptions);
    // two of every three deliveries are messages
    final long requests = ceilDiv(changes * 3, 2);
    final Duration fill = Duration.ofNanos((long) Math.ceil(requests / fillRate * 1e9));
    try (ForwardRig rig = ForwardRig.start(setup, subscriptions)) {
      for (final String id : rig.ids) {
        rig.api.state(id, "paused");
      }
      LOG.info(
          "throughput, {} subscription(s): filling the change log at {}/s for {} s",
          subscriptions,
          fillRate,
          fill.toMillis() / 1_000.0);
      final long start = System.nanoTime() + START_DELAY_NANOS;
      final LiveLoad.Sent sent =
          new LiveLoad(setup.deliveries(), rig.server.endpoint(), setup.connections())
              .run(start, fill, fillRate, null, start);
      final boolean applied = ForwardWaits.applied(rig.server, sent.acks());
      final long expected = sent.acks() == sent.due() ? LiveDeliveries.messages(sent.due()) : -1;
      LOG.info("throughput: resuming {} subscription(s), {} events each", subscriptions, expected);
      final ForwardMeter meter = new ForwardMeter(rig.server);
      final long resumed = WebhookReceiver.nowMicros();
      for (final String id : rig.ids) {
        rig.api.state(id, "active");
      }
      final boolean complete =
          ForwardWaits.events(
              rig.receiver,
              expected < 0 ? Long.MAX_VALUE : expected * subscriptions,
              System.nanoTime() + drainLimit.toNanos(),
              STALL,
              "throughput drain");
      final Usage usage = meter.stop();
      long first = Long.MAX_VALUE;
      long last = -1;
      long duplicates = 0;
      long outOfOrder = 0;
      for (final ArrivalLog log : rig.receiver.logs()) {
        if (log.distinct() > 0) {
          first = Math.min(first, log.firstArrivalMicros());
          last = Math.max(last, log.lastArrivalMicros());
        }
        duplicates += log.duplicates();
        outOfOrder += log.outOfOrder();
      }
      return new Throughput(
          subscriptions,
          fillRate,
          fill.toNanos() / 1e9,
          sent,
          applied,
          expected,
          rig.receiver.distinct(),
          duplicates,
          outOfOrder,
          last < 0 ? Double.NaN : (first - resumed) / 1e6,
          last < 0 ? Double.NaN : (last - resumed) / 1e6,
          complete,
          usage,
          rig.figures(),
          rig.receiver.badSignatures());
    }
  }

  static Latency latency(final Setup setup, final double rate, final Duration window)
      throws IOException, InterruptedException, SQLException {
    try (ForwardRig rig = ForwardRig.start(setup, 1)) {
      final long nanoNow = System.nanoTime();
      final long wallNow = WebhookReceiver.nowMicros();
      final long start = nanoNow + START_DELAY_NANOS;
      final long startMicros = wallNow + START_DELAY_NANOS / 1_000;
      final double settle = Math.min(Sustainment.SETTLE_SECONDS, window.toMillis() / 4_000.0);
      final ForwardMeter meter = new ForwardMeter(rig.server);
      final LiveLoad.Sent sent =
          new LiveLoad(setup.deliveries(), rig.server.endpoint(), setup.connections())
              .run(start, window, rate, null, start + (long) (settle * 1e9));
      final Usage usage = meter.stop();
      final long expected = sent.acks() == sent.due() ? LiveDeliveries.messages(sent.due()) : -1;
      final boolean complete =
          ForwardWaits.events(
              rig.receiver,
              expected < 0 ? Long.MAX_VALUE : expected,
              System.nanoTime() + LATENCY_WAIT.toNanos(),
              STALL,
              "latency");
      final ArrivalLog log = rig.receiver.log(0);
      return new Latency(
          rate,
          window.toNanos() / 1e9,
          sent,
          expected,
          log.distinct(),
          log.arrivedBetween(startMicros, startMicros + window.toNanos() / 1_000),
          log.duplicates(),
          log.outOfOrder(),
          log.latencyMicros(startMicros + (long) (settle * 1e6)),
          complete,
          usage,
          rig.figures().getFirst(),
          rig.receiver.badSignatures());
    }
  }

  static Outage outage(
      final Setup setup,
      final double rate,
      final Duration lead,
      final Duration outage,
      final Duration catchUpLimit)
      throws IOException, InterruptedException, SQLException {
    try (ForwardRig rig = ForwardRig.start(setup, 1)) {
      final long start = System.nanoTime() + START_DELAY_NANOS;
      final long downAt = start + lead.toNanos();
      final long backAt = downAt + outage.toNanos();
      final AtomicLong downMicros = new AtomicLong(-1);
      final AtomicLong backMicros = new AtomicLong(-1);
      final Thread switcher =
          Thread.ofPlatform()
              .name("bench-forward-outage")
              .start(
                  () -> {
                    ForwardWaits.sleepUntil(downAt);
                    rig.receiver.down();
                    downMicros.set(WebhookReceiver.nowMicros());
                    LOG.info("outage: the receiver is down (503) for {}", outage);
                    ForwardWaits.sleepUntil(backAt);
                    rig.receiver.up();
                    backMicros.set(WebhookReceiver.nowMicros());
                    LOG.info("outage: the receiver is back");
                  });
      final LiveLoad.Sent sent =
          new LiveLoad(setup.deliveries(), rig.server.endpoint(), setup.connections())
              .run(start, lead.plus(outage).plus(lead), rate, null, start);
      switcher.join();
      final long expected = sent.acks() == sent.due() ? LiveDeliveries.messages(sent.due()) : -1;
      LOG.info(
          "outage: load done; waiting up to {} after the receiver came back for {} events",
          catchUpLimit,
          expected);
      final boolean complete =
          ForwardWaits.events(
              rig.receiver,
              expected < 0 ? Long.MAX_VALUE : expected,
              backAt + catchUpLimit.toNanos(),
              // retries are minutes apart: a quiet spell is no stall here
              null,
              "outage catch-up");
      final double waited = (System.nanoTime() - backAt) / 1e9;
      final ArrivalLog log = rig.receiver.log(0);
      final long back = backMicros.get();
      final long last = log.lastArrivalMicros();
      Optional<SubscriptionClient.Figures> figures;
      try {
        figures = Optional.of(rig.figures().getFirst());
      } catch (IOException unavailable) {
        figures = Optional.empty();
      }
      return new Outage(
          rate,
          outage,
          lead.toNanos() / 1e9,
          sent,
          expected,
          log.distinct(),
          WamidCheck.of(setup.deliveries(), sent, log.wamids()),
          log.duplicates(),
          log.outOfOrder(),
          log.threads(),
          rig.receiver.refused(),
          log.committedBetween(downMicros.get(), back),
          log.catchUpMicros(back),
          last < back ? 0 : (last - back) / 1e6,
          complete,
          waited,
          figures,
          rig.receiver.badSignatures());
    }
  }

  static long ceilDiv(final long dividend, final long divisor) {
    return (dividend + divisor - 1) / divisor;
  }
}
