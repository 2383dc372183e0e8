package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ReportMathTest {

  private static LoadResult resultWithLatenciesMillis(long... millis) {
    final WorkerStats stats = new WorkerStats();
    for (final long ms : millis) {
      stats.response(200, ms * 1_000_000, 1_000, false);
    }
    return new LoadResult(
        "test",
        Duration.ofSeconds(10),
        stats.requests,
        stats.acks,
        0,
        0,
        0,
        stats.bytesSent,
        1,
        stats.statuses,
        Map.of(),
        stats.ackMicros,
        0.5,
        OptionalDouble.of(1.0),
        OptionalDouble.of(0.9));
  }

  @Test
  void percentilesAndShareOverALimitComeFromTheHistogram() {
    final long[] latencies = new long[1_000];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = i < 985 ? 100 : 2_000; // 1.5 % over one second
    }
    final LoadResult result = resultWithLatenciesMillis(latencies);

    assertThat(result.percentileMillis(50)).isCloseTo(100, within(0.2));
    assertThat(result.percentileMillis(99)).isCloseTo(2_000, within(2.0));
    assertThat(result.percentOver(1_000)).isCloseTo(1.5, within(0.001));
    assertThat(result.acksPerSecond()).isCloseTo(100, within(0.001));
    assertThat(result.otherCores())
        .isCloseTo(0.9 * Runtime.getRuntime().availableProcessors() - 1.5, within(1e-9));
  }

  @Test
  void verdictsSayByHowMuchATargetIsMetOrMissed() {
    assertThat(Verdict.atLeast("throughput", 8_000, 10_000, "acks/s").label())
        .isEqualTo("MISSED (throughput 8,000 acks/s < 10,000 acks/s: short by 20.0 %)");
    assertThat(Verdict.atMost("p99", 20, 25, "ms").label())
        .isEqualTo("MET (p99 20.0 ms ≤ 25.0 ms: under by 20.0 %)");
    assertThat(Verdict.all(Verdict.atMost("p99", 20, 25, "ms"), new Verdict(false, "x")).met())
        .isFalse();
  }

  @Test
  void durationsAcceptTheUsualSpellings() {
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1.5")).isEqualTo(Duration.ofMillis(1_500));
    assertThat(DurationConverter.parse("PT10S")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void onlyLoopbackUrlsAreAccepted() {
    assertThat(LoopbackEndpoint.fromUrl("c", "http://127.0.0.1:8080", java.util.List.of()).port())
        .isEqualTo(8080);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LoopbackEndpoint.fromUrl("c", "http://10.0.0.1:8080", java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LoopbackEndpoint.fromUrl("c", "https://127.0.0.1:8443", java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
