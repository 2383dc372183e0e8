package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.testing.CoexistProcess;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coexist under a file-descriptor limit of 256, flooded with more idle connections than the limit:
 * those beyond its connection cap are closed at once, the listener keeps listening, and once the
 * flood is gone a delivery is answered 200.
 */
class ConnectionCapIT {
  private static final int DESCRIPTOR_LIMIT = 256;

  /**
   * 256 less the reserve: the JVM, the connections being refused and a pool of 8 database
   * connections (160 + 32 + 4 × 8).
   */
  private static final int EXPECTED_CAP = 32;

  private static final int FLOOD = 300;

  @TempDir Path folder;

  @Test
  void aFloodOfIdleConnectionsNeverStopsTheListener() throws Exception {
    final int port = CoexistProcess.freePort();
    try (CoexistProcess coexist =
        CoexistProcess.start(
            folder,
            DESCRIPTOR_LIMIT,
            "--port",
            String.valueOf(port),
            "--data-dir",
            folder.resolve("data").toString(),
            // only the cap may close the flood's connections while this test looks
            "--idle-timeout",
            "60s")) {
      coexist.awaitLive(port);
      assertThat(coexist.stdoutText())
          .contains(
              "File-descriptor limit "
                  + DESCRIPTOR_LIMIT
                  + ": at most "
                  + EXPECTED_CAP
                  + " open connections");

      final List<Socket> flood = new ArrayList<>();
      try {
        for (int index = 0; index < FLOOD; index++) {
          flood.add(new Socket("127.0.0.1", port));
        }
        // every connection past the cap is closed by the server as it is accepted: after a moment
        // for the server to accept them, their end is already there to be read
        Thread.sleep(500);
        int closedByServer = 0;
        for (final Socket socket : flood) {
          if (closedWithin(socket, Duration.ofMillis(50))) {
            closedByServer++;
          }
        }
        assertThat(closedByServer).isGreaterThanOrEqualTo(FLOOD - EXPECTED_CAP);
        try (Socket beyond = new Socket("127.0.0.1", port)) {
          assertThat(closedWithin(beyond, Duration.ofSeconds(2))).isTrue();
        }
        assertThat(coexist.process().isAlive()).isTrue();
      } finally {
        for (final Socket socket : flood) {
          socket.close();
        }
      }

      // the flood is gone: the listener is still there and takes deliveries
      final HttpClient client = HttpClient.newHttpClient();
      final HttpResponse<String> delivered =
          awaitDelivery(
              client,
              URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp"),
              Files.readAllBytes(Path.of("src/test/resources/fixtures/meta/echo-text.json")));
      assertThat(delivered.statusCode()).isEqualTo(200);
      assertThat(delivered.body()).contains("\"status\":\"accepted\"");
      assertThat(coexist.process().isAlive()).isTrue();
      assertThat(coexist.stdoutText()).doesNotContain("server socket is terminating");
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .containsPattern("coexist_http_connections_refused_total [1-9]");
    }
  }

  @Test
  void aListenerThatStopsAnywayEndsTheProcess() throws Exception {
    final int port = CoexistProcess.freePort();
    try (CoexistProcess coexist =
        CoexistProcess.start(
            folder,
            DESCRIPTOR_LIMIT,
            "--port",
            String.valueOf(port),
            "--data-dir",
            folder.resolve("data").toString(),
            // a cap the descriptors cannot hold: accept runs out of them and Helidon's listener
            // stops, as it would if something else used them up
            "--max-connections",
            "1000",
            "--idle-timeout",
            "60s",
            "--shutdown-grace",
            "1s")) {
      coexist.awaitLive(port);
      final List<Socket> flood = new ArrayList<>();
      try {
        for (int index = 0; index < FLOOD && coexist.process().isAlive(); index++) {
          try {
            flood.add(new Socket("127.0.0.1", port));
          } catch (IOException refused) {
            break;
          }
        }
        assertThat(coexist.process().waitFor(20, TimeUnit.SECONDS))
            .as("the process ends when its listener is gone")
            .isTrue();
        assertThat(coexist.process().exitValue()).isEqualTo(3);
        assertThat(coexist.stdoutText())
            .contains("The HTTP listener stopped while Coexist was running: exiting");
      } finally {
        for (final Socket socket : flood) {
          socket.close();
        }
      }
    }
  }

  /** True when the server closed (or reset) the connection within the time given. */
  private static boolean closedWithin(final Socket socket, final Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  /** Connections of the flood may take a moment to be released: retries for a few seconds. */
  private static HttpResponse<String> awaitDelivery(
      final HttpClient client, final URI uri, final byte[] body) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return client.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
        Thread.sleep(100);
      }
    }
  }
}
