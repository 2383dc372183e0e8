package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The abuse scenario's abusers run in a JVM of their own, not in the load generator's, and report
 * back what they did: a few of each kind against a real Coexist for a few seconds.
 */
class AbuserProcessIT {
  @TempDir Path dataDir;

  @Test
  void theAbusersRunInAnotherJvmAndReportTheirTally() throws Exception {
    try (RunningApp coexist =
        RunningApp.start(
            dataDir,
            // short phases, so that the server closes the slowloris and stalled connections
            // within the run and the tally has something to count
            Map.of(
                ConfigKey.HEADER_TIMEOUT, "1s",
                ConfigKey.IDLE_TIMEOUT, "1s",
                ConfigKey.REQUEST_LINE_TIMEOUT, "1s"))) {
      final LoopbackEndpoint endpoint =
          new LoopbackEndpoint("coexist", coexist.app().port(), List.of());
      final Abusers.Shape shape = new Abusers.Shape(20, 2, 1_000_000, 5);
      final AbuserProcess.Result result;
      try (AbuserProcess abusers = AbuserProcess.start(shape, endpoint, Duration.ofSeconds(4), 0)) {
        assertThat(abusers.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(ProcessHandle.of(abusers.pid()).map(ProcessHandle::isAlive)).contains(true);
        result = abusers.stop();
      }

      assertThat(ProcessHandle.of(result.pid()).map(ProcessHandle::isAlive).orElse(false))
          .as("the abusers' JVM ended")
          .isFalse();
      final Abusers.Tally tally = result.tally();
      assertThat(tally.shape()).isEqualTo(shape);
      // every slowloris and stalled connection opened at least once; the server cut them after 1 s
      assertThat(tally.connectsOpened()).isGreaterThanOrEqualTo(25);
      assertThat(tally.connectsFailed()).isZero();
      assertThat(tally.slowlorisClosedByServer()).isPositive();
      assertThat(tally.stalledClosedByServer()).isPositive();
      // unsigned 1 MB uploads: refused (answered 4xx, or cut off), again and again
      assertThat(tally.uploadsSent() + tally.uploadErrors()).isPositive();
      assertThat(tally.uploadStatuses().keySet()).allMatch(status -> status / 100 == 4);
      assertThat(result.cores()).isPositive();
    }
  }

  @Test
  void theTallySurvivesTheTripThroughTheLog() throws Exception {
    final Abusers.Shape shape = new Abusers.Shape(3, 2, 10, 1);
    final Abusers.Tally tally =
        new Abusers.Tally(shape, 12, 1, 7, 2, 30, Map.of(401, 28L, 503, 2L), 4);
    final String line = AbuserProcess.formatTally(tally, 2_000_000_000L, 4_000_000_000L);

    assertThat(AbuserProcess.parseTally(shape, AbuserProcess.fields(line))).isEqualTo(tally);
    assertThat(AbuserProcess.fields(line)).containsEntry("cpuNanos", "2000000000");
  }
}
