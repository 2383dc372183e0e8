package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import dev.coexist.testing.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Start-up with PostgreSQL unreachable waits, saying why, and comes up once PostgreSQL answers; a
 * database that does not exist fails at once with one line.
 */
class StartupWaitIT {
  @TempDir Path dataDir;

  @Test
  void startUpWaitsForPostgresqlAndComesUpWhenItAnswers() throws Exception {
    final String database = Engines.url(Engine.POSTGRESQL, dataDir);
    final Logger log = (Logger) LoggerFactory.getLogger("dev.coexist.db.DatabaseWait");
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try (TcpProxy postgres = TcpProxy.inFrontOf(database)) {
      // not listening yet: connections are refused, as by a PostgreSQL that has not started
      final CompletableFuture<RunningApp> starting =
          CompletableFuture.supplyAsync(
              () ->
                  RunningApp.start(
                      dataDir,
                      Map.of(
                          ConfigKey.DATABASE,
                          postgres.relayed(database),
                          ConfigKey.DB_START_WAIT,
                          "1m")));
      Thread.sleep(2_000);
      assertThat(starting).isNotDone();
      assertThat(lines.list)
          .isNotEmpty()
          .allSatisfy(
              line ->
                  assertThat(line.getFormattedMessage())
                      .contains("unreachable")
                      .contains("trying again"));

      postgres.open();
      try (RunningApp coexist = starting.get(15, TimeUnit.SECONDS)) {
        assertThat(coexist.get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(
                coexist
                    .post(
                        "/webhooks/whatsapp",
                        "{\"object\":\"whatsapp_business_account\",\"entry\":[]}"
                            .getBytes(StandardCharsets.UTF_8))
                    .statusCode())
            .isEqualTo(200);
      }
    } finally {
      log.detachAppender(lines);
    }
  }

  @Test
  void aMissingDatabaseFailsAtOnceWithOneLine() {
    final String database = Engines.url(Engine.POSTGRESQL, dataDir);
    final String missing = database.replaceFirst("/coexist_\\d+\\?", "/no_such_database?");
    final long started = System.nanoTime();
    assertThatThrownBy(() -> RunningApp.start(dataDir, Map.of(ConfigKey.DATABASE, missing)).close())
        .hasMessageContaining("refused")
        .hasMessageContaining("does not exist")
        .hasMessageNotContaining("\n");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }
}
