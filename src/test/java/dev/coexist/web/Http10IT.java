package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.testing.JournalRows;
import dev.coexist.testing.RunningApp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.0, as nginx speaks to its upstreams by default: a delivery is answered normally, and the
 * connection is closed after the answer.
 */
class Http10IT {
  @TempDir Path dataDir;

  @Test
  void anHttp10DeliveryIsAcceptedAndTheConnectionClosed() throws Exception {
    final byte[] fixture =
        Files.readAllBytes(Path.of("src/test/resources/fixtures/meta/echo-text.json"));
    try (RunningApp coexist = RunningApp.start(dataDir, Map.of())) {
      final ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(
          ("POST /webhooks/whatsapp HTTP/1.0\r\n"
                  + "Host: 127.0.0.1\r\n"
                  + "Content-Type: application/json\r\n"
                  + "Content-Length: "
                  + fixture.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(fixture);

      // exchange() reads until the server closes: it returns only because the server did
      final String answer = RawHttp.exchange(coexist.app().port(), request.toByteArray());

      assertThat(answer).startsWith("HTTP/1.1 200 ");
      assertThat(answer).contains("Content-Type: application/json").contains("Connection: close");
      assertThat(RawHttp.body(answer)).isEqualTo("{\"id\":1,\"status\":\"accepted\"}");
      assertThat(JournalRows.all(coexist.journalFile())).hasSize(1);
      assertThat(JournalRows.all(coexist.journalFile()).get(0).body()).isEqualTo(fixture);
    }
  }
}
