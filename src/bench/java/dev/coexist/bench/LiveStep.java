package dev.coexist.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One step of {@code bench live}: a fresh Coexist (so no step inherits another's backlog), live
 * deliveries at one rate for the window, the backlog read every second, and, on the latency step,
 * sampled inbound messages timed from their 200 until the API shows them.
 */
final class LiveStep {

  static final String API_KEY = "bench-live-api-key";

  /** Lets every sender start and the first backlog reading be taken before the first delivery. */
  /**
   * The latency step times messages from a warm server on, as the ingest benchmark measures after
   * its warm-up: in its first seconds a fresh JVM compiles the path while the load arrives, and the
   * backlog that leaves takes a few more seconds to apply; the target is about the steady state.
   */
  static final double LATENCY_WARM_UP_SECONDS = 10;

  private static final long START_DELAY_NANOS = 200_000_000L;

  /** The longest wait after the warm-up load for its backlog to be applied. */
  static final Duration WARM_UP_DRAIN = Duration.ofSeconds(30);

  // the warm-up's backlog counts as applied at this many entries (a second at low rates)
  private static final long DRAINED_BACKLOG = 500;

  /**
   * What one step measured.
   *
   * @param rate offered deliveries/s
   * @param ackRate 200s that came during the window, per second
   * @param keptUp every delivery acknowledged, under 1 % of them more than a second after their due
   *     time
   * @param appliedRate journal entries applied per second over the window
   * @param serverCores CPU of the Coexist process over the window, in cores, if known
   * @param machineBusy the whole machine's CPU busy share over the window (0..1), if known
   * @param latency ack → visible of the sampled messages, on the latency step only
   */
  record Outcome(
      double rate,
      double windowSeconds,
      LiveLoad.Sent sent,
      List<BacklogSampler.Sample> samples,
      Sustainment sustainment,
      double ackRate,
      boolean keptUp,
      double appliedRate,
      double serverCores,
      double machineBusy,
      Optional<AckToVisible.Outcome> latency) {

    long endBacklog() {
      return samples.isEmpty() ? -1 : samples.getLast().backlog();
    }

    long maxBacklog() {
      return samples.stream().mapToLong(BacklogSampler.Sample::backlog).max().orElse(-1);
    }
  }

  private LiveStep() {}

  /**
   * @param serveOptions {@code coexist serve} options naming the database
   * @param storage the database in words
   */
  static Outcome run(
      final LiveDeliveries deliveries,
      final LiveDeliveries warmUpDeliveries,
      final double rate,
      final Duration warmUp,
      final Duration window,
      final int connections,
      final boolean timeLatency,
      final List<String> jvmOptions,
      final List<String> serveOptions,
      final String storage)
      throws IOException, InterruptedException {
    final List<String> options =
        Stream.concat(serveOptions.stream(), Stream.of("--api-key", API_KEY)).toList();
    try (CoexistChildServer server =
        CoexistChildServer.start(jvmOptions, false, options, storage)) {
      final String baseUrl = server.endpoint().baseUrl();
      final BacklogSampler sampler = new BacklogSampler(baseUrl);
      final AckToVisible probe =
          timeLatency ? new AckToVisible(server.endpoint().address(), API_KEY) : null;
      try {
        if (!warmUp.isZero()) {
          warmUp(server, warmUpDeliveries, rate, warmUp, connections, sampler);
        }
        final long start = System.nanoTime() + START_DELAY_NANOS;
        final double settle =
            Math.min(
                timeLatency ? LATENCY_WARM_UP_SECONDS : Sustainment.SETTLE_SECONDS,
                window.toMillis() / 4_000.0);
        final AtomicReference<List<BacklogSampler.Sample>> samples =
            new AtomicReference<>(List.of());
        final Thread sampling =
            Thread.ofPlatform()
                .name("bench-live-backlog")
                .start(() -> samples.set(sampler.run(start, window)));
        final OptionalLong serverCpuStart = server.cpuNanos();
        final CpuClock.MachineTicks machineStart = CpuClock.MachineTicks.read();
        final LiveLoad.Sent sent =
            new LiveLoad(deliveries, server.endpoint(), connections)
                .run(start, window, rate, probe, start + (long) (settle * 1e9));
        // the window is over by now (the load returns after its drain); the sampler ends with it
        sampling.join(window.plusSeconds(5).toMillis());
        final OptionalLong serverCpuEnd = server.cpuNanos();
        final CpuClock.MachineTicks machineEnd = CpuClock.MachineTicks.read();
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final Optional<AckToVisible.Outcome> latency =
            probe == null ? Optional.empty() : Optional.of(probe.finish());
        final double windowSeconds = window.toNanos() / 1e9;
        final List<BacklogSampler.Sample> readings = samples.get();
        final double busy = machineEnd.busySince(machineStart);
        return new Outcome(
            rate,
            windowSeconds,
            sent,
            readings,
            Sustainment.judge(readings, windowSeconds, rate, sent),
            sent.acksInWindow() / windowSeconds,
            sent.acks() == sent.due()
                && sent.shareSlowerThan(Sustainment.LATE_ACK_MILLIS) <= Sustainment.LATE_ACK_SHARE,
            appliedRate(readings),
            serverCpuStart.isPresent() && serverCpuEnd.isPresent()
                ? (serverCpuEnd.getAsLong() - serverCpuStart.getAsLong()) / 1e9 / elapsed
                : Double.NaN,
            busy < 0 ? Double.NaN : busy,
            latency);
      } finally {
        if (probe != null) {
          probe.close();
        }
        sampler.close();
      }
    }
  }

  /**
   * A fresh JVM compiles the path in its first seconds, and a new database warms its caches and
   * stores each customer and thread once: the same load, with other wamids, for {@code warmUp},
   * then up to {@link #WARM_UP_DRAIN} for what it left to be applied.
   */
  private static void warmUp(
      final CoexistChildServer server,
      final LiveDeliveries deliveries,
      final double rate,
      final Duration warmUp,
      final int connections,
      final BacklogSampler sampler)
      throws InterruptedException {
    final long start = System.nanoTime() + START_DELAY_NANOS;
    new LiveLoad(deliveries, server.endpoint(), connections).run(start, warmUp, rate, null, start);
    final long until = System.nanoTime() + WARM_UP_DRAIN.toNanos();
    while (System.nanoTime() < until) {
      final Optional<BacklogSampler.Sample> now = sampler.now();
      if (now.isPresent() && now.get().backlog() <= DRAINED_BACKLOG) {
        return;
      }
      Thread.sleep(250);
    }
  }

  /** Entries applied per second between the first and the last reading. */
  static double appliedRate(final List<BacklogSampler.Sample> samples) {
    if (samples.size() < 2) {
      return Double.NaN;
    }
    final BacklogSampler.Sample first = samples.getFirst();
    final BacklogSampler.Sample last = samples.getLast();
    final double seconds = last.seconds() - first.seconds();
    return seconds <= 0 ? Double.NaN : (last.applied() - first.applied()) / seconds;
  }
}
