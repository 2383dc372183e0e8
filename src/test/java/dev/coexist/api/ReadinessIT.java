package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import dev.coexist.testing.TcpProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness tells the truth within a second: about PostgreSQL (503 with the reason while it cannot
 * be reached, its connections cut, new ones refused; 200 again once it can, without a restart), and
 * about the threads it supervises.
 */
class ReadinessIT {
  @TempDir Path dataDir;

  @Test
  void readinessFailsWithinASecondWhilePostgresqlIsUnreachable() throws Exception {
    final String database = Engines.url(Engine.POSTGRESQL, dataDir);
    try (TcpProxy postgres = TcpProxy.inFrontOf(database)) {
      postgres.open();
      try (RunningApp coexist =
          RunningApp.start(dataDir, Map.of(ConfigKey.DATABASE, postgres.relayed(database)))) {
        assertThat(coexist.get("/health/ready").statusCode()).isEqualTo(200);

        postgres.cut();
        final long cutAt = System.nanoTime();
        // a probe younger than a quarter second may still answer the first ask: the truth must
        // show within a second of the cut, and every answer within a second
        HttpResponse<String> ready = coexist.get("/health/ready");
        while (ready.statusCode() == 200 && System.nanoTime() - cutAt < 2_000_000_000L) {
          ready = coexist.get("/health/ready");
        }
        final Duration toDown = Duration.ofNanos(System.nanoTime() - cutAt);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(toDown)
            .as("503 came %s after the cut", toDown)
            .isLessThan(Duration.ofSeconds(1));
        for (int ask = 0; ask < 3; ask++) {
          Thread.sleep(300);
          final long started = System.nanoTime();
          ready = coexist.get("/health/ready");
          final Duration took = Duration.ofNanos(System.nanoTime() - started);
          assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
          assertThat(ready.body())
              .contains("\"status\":\"DOWN\"")
              .contains("\"database\":\"unreachable\"")
              .contains("\"reason\":");
          assertThat(took).as("readiness answered in %s", took).isLessThan(Duration.ofSeconds(1));
        }

        postgres.open();
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ready = coexist.get("/health/ready");
        while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
          Thread.sleep(100);
          ready = coexist.get("/health/ready");
        }
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"database\":\"reachable\"");
      }
    }
  }

  /**
   * A supervised thread that is no longer running (here the processor, stopped) makes readiness and
   * liveness fail with its name, within a second, on SQLite too.
   */
  @Test
  void aStoppedProcessorMakesReadinessAndLivenessFail() throws Exception {
    try (RunningApp coexist = RunningApp.start(dataDir, Map.of())) {
      assertThat(coexist.get("/health/ready").statusCode()).isEqualTo(200);
      assertThat(coexist.get("/health/live").statusCode()).isEqualTo(200);

      coexist.app().dataPath().processors().get(0).close();
      final long started = System.nanoTime();
      final HttpResponse<String> ready = coexist.get("/health/ready");
      final Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
      assertThat(ready.body())
          .contains("\"status\":\"DOWN\"")
          .contains("the processor-1 thread stopped");
      assertThat(took).as("readiness answered in %s", took).isLessThan(Duration.ofSeconds(1));
      final HttpResponse<String> live = coexist.get("/health/live");
      assertThat(live.statusCode()).isEqualTo(503);
      assertThat(live.body()).contains("processor-1");
    }
  }
}
