package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each phase of a request has its deadline: a client that stalls in the request line or the
 * headers, or trickles them in, is disconnected when that phase's time is up, whatever the others
 * allow.
 */
class ConnectionTimeoutsIT {
  private static final Duration PHASE = Duration.ofSeconds(1);

  /** The sweep runs every 100 ms at these timeouts; a second more covers a slow machine. */
  private static final Duration SLACK = Duration.ofSeconds(1);

  @TempDir Path dataDir;

  private RunningApp start() {
    return RunningApp.start(
        dataDir,
        Map.of(
            ConfigKey.REQUEST_LINE_TIMEOUT,
            PHASE.toMillis() + "ms",
            ConfigKey.HEADER_TIMEOUT,
            PHASE.toMillis() + "ms",
            // far longer: only the phase under test can close these connections
            ConfigKey.IDLE_TIMEOUT,
            "60s",
            ConfigKey.READ_TIMEOUT,
            "60s"));
  }

  @Test
  void headersThatStopHalfwayAreCutAtTheHeaderTimeout() throws Exception {
    try (RunningApp coexist = start();
        Socket client = new Socket("127.0.0.1", coexist.app().port())) {
      final long started = System.nanoTime();
      client
          .getOutputStream()
          .write(
              "POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Le"
                  .getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();
      final Duration open = RawHttp.timeUntilClosed(client, started, Duration.ofSeconds(10));
      assertThat(open).isBetween(PHASE.minusMillis(100), PHASE.plus(SLACK));
      assertThat(coexist.get("/metrics").body())
          .contains("coexist_http_connections_timed_out_total 1.0");
    }
  }

  @Test
  void headersTrickledInOneBytePerSecondAreCutAtTheHeaderTimeout() throws Exception {
    try (RunningApp coexist = start();
        Socket client = new Socket("127.0.0.1", coexist.app().port())) {
      final OutputStream out = client.getOutputStream();
      out.write("GET /health/live HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      final long started = System.nanoTime();
      final AtomicBoolean closed = new AtomicBoolean();
      final Thread trickle =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (!closed.get()) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(1_000);
                      }
                    } catch (Exception serverClosed) {
                      // the server hung up: what the test waits for
                    }
                  });
      // with a per-read deadline, each byte would restart the clock and this would never end
      final Duration open =
          RawHttp.timeUntilClosed(client, started, Duration.ofSeconds(PHASE.toSeconds() + 8));
      closed.set(true);
      trickle.join();
      assertThat(open).isLessThan(PHASE.plus(SLACK));
    }
  }

  @Test
  void aRequestLineThatStopsHalfwayIsCutAtTheRequestLineTimeout() throws Exception {
    try (RunningApp coexist = start();
        Socket client = new Socket("127.0.0.1", coexist.app().port())) {
      final long started = System.nanoTime();
      client.getOutputStream().write("POST /webhooks/wh".getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();
      final Duration open = RawHttp.timeUntilClosed(client, started, Duration.ofSeconds(10));
      assertThat(open).isBetween(PHASE.minusMillis(100), PHASE.plus(SLACK));
    }
  }

  @Test
  void aKeptAliveConnectionIsClosedAtTheIdleTimeout() throws Exception {
    try (RunningApp coexist =
            RunningApp.start(dataDir, Map.of(ConfigKey.IDLE_TIMEOUT, PHASE.toMillis() + "ms"));
        Socket client = new Socket("127.0.0.1", coexist.app().port())) {
      client
          .getOutputStream()
          .write(
              "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();
      final long answered = System.nanoTime();
      final Duration open = RawHttp.timeUntilClosed(client, answered, Duration.ofSeconds(10));
      assertThat(open).isBetween(PHASE.minusMillis(100), PHASE.plus(SLACK));
    }
  }

  /**
   * Clients that stall together time out together (a slowloris wave): they are all closed, but at
   * most {@link FrontDoor#CLOSES_PER_SWEEP} a sweep, so that their closes and reconnects never come
   * as one burst.
   */
  @Test
  void aWaveOfStalledConnectionsIsClosedOverSeveralSweeps() throws Exception {
    final int wave = FrontDoor.CLOSES_PER_SWEEP * 5 / 2;
    try (RunningApp coexist = start()) {
      final List<Socket> clients = new ArrayList<>(wave);
      try {
        for (int index = 0; index < wave; index++) {
          clients.add(new Socket("127.0.0.1", coexist.app().port()));
        }
        final byte[] stalled =
            "POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Le"
                .getBytes(StandardCharsets.US_ASCII);
        final long started = System.nanoTime();
        for (final Socket client : clients) {
          client.getOutputStream().write(stalled);
          client.getOutputStream().flush();
        }
        final List<Future<Duration>> closed = new ArrayList<>(wave);
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
          for (final Socket client : clients) {
            closed.add(
                readers.submit(
                    () -> RawHttp.timeUntilClosed(client, started, Duration.ofSeconds(10))));
          }
        }
        Duration first = Duration.ofDays(1);
        Duration last = Duration.ZERO;
        for (final Future<Duration> each : closed) {
          final Duration open = each.get();
          first = open.compareTo(first) < 0 ? open : first;
          last = open.compareTo(last) > 0 ? open : last;
        }
        assertThat(first).isGreaterThan(PHASE.minusMillis(100));
        assertThat(last).isLessThan(PHASE.plus(SLACK).plus(SLACK));
        // three sweeps at least, 100 ms apart: not one burst
        assertThat(last.minus(first)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(coexist.get("/metrics").body())
            .contains("coexist_http_connections_timed_out_total " + wave + ".0");
      } finally {
        for (final Socket client : clients) {
          client.close();
        }
      }
    }
  }
}
