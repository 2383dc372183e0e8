package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.JournalRows;
import dev.coexist.testing.RunningApp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that stops sending mid-body is dropped after the read timeout and blocks no one. */
class SlowClientIT {
  @TempDir Path dataDir;

  @Test
  void aStalledBodyTimesOutWhileOtherDeliveriesGoThrough() throws Exception {
    try (RunningApp coexist = RunningApp.start(dataDir, Map.of(ConfigKey.READ_TIMEOUT, "500ms"));
        Socket stalled = new Socket("127.0.0.1", coexist.app().port())) {
      stalled.setSoTimeout(10_000);
      final OutputStream out = stalled.getOutputStream();
      out.write(
          "POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"object\""
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();

      final byte[] other =
          "{\"object\":\"whatsapp_business_account\",\"entry\":[]}"
              .getBytes(StandardCharsets.UTF_8);
      assertThat(coexist.post("/webhooks/whatsapp", other).statusCode()).isEqualTo(200);

      // the server gives up on the stalled client: its connection is closed (read returns -1 or
      // the server answers with an error), well before our own 10 s socket timeout
      final long started = System.nanoTime();
      final InputStream in = stalled.getInputStream();
      final byte[] answer = in.readAllBytes();
      final long waitedMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(waitedMillis).isLessThan(5_000);
      assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotStartWith("HTTP/1.1 200");

      assertThat(JournalRows.all(coexist.journalFile())).hasSize(1);
    }
  }

  @Test
  void idleConnectionsAndStalledRequestLinesAreDisconnected() throws Exception {
    try (RunningApp coexist =
            RunningApp.start(
                dataDir,
                Map.of(ConfigKey.IDLE_TIMEOUT, "500ms", ConfigKey.REQUEST_LINE_TIMEOUT, "500ms"));
        Socket silent = new Socket("127.0.0.1", coexist.app().port());
        Socket stalled = new Socket("127.0.0.1", coexist.app().port())) {
      stalled.getOutputStream().write("POST /webhooks/wh".getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();
      for (final Socket client : new Socket[] {silent, stalled}) {
        client.setSoTimeout(10_000);
        final long started = System.nanoTime();
        final byte[] answer = client.getInputStream().readAllBytes();
        final long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(waitedMillis).isLessThan(5_000);
        assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotStartWith("HTTP/1.1 200");
      }
      assertThat(JournalRows.all(coexist.journalFile())).isEmpty();
    }
  }
}
