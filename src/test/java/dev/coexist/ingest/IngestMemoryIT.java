package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.JournalRows;
import dev.coexist.testing.RunningApp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --ingest-memory budget over real HTTP: bodies that are still arriving hold their bytes, a
 * body that does not fit is answered 503 with Retry-After, and the bytes come back however a
 * request ends (answered, refused, or its client gone).
 */
class IngestMemoryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP_SECRET = "app-secret";
  private static final int BODY_BYTES = 60_000;

  @TempDir Path dataDir;
  private RunningApp coexist;

  @BeforeEach
  void start() {
    // room for two bodies of 60,000 bytes, not three
    coexist =
        RunningApp.start(
            dataDir,
            Map.of(
                ConfigKey.APP_SECRET, APP_SECRET,
                ConfigKey.MAX_BODY, "64KB",
                ConfigKey.INGEST_MEMORY, "128KB"));
  }

  @AfterEach
  void stop() {
    coexist.close();
  }

  /** A valid Meta envelope padded to exactly {@link #BODY_BYTES} bytes. */
  private static byte[] body(final String wamid) {
    final String head =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
            + "\"smb_message_echoes\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
            + "\"display_phone_number\":\"15550001111\",\"phone_number_id\":\"106540352242922\"},"
            + "\"message_echoes\":[{\"from\":\"15550001111\",\"to\":\"16505551234\",\"id\":\""
            + wamid
            + "\",\"timestamp\":\"1700255121\",\"type\":\"text\",\"text\":{\"body\":\"";
    final String tail = "\"}}]}}]}]}";
    return (head + "x".repeat(BODY_BYTES - head.length() - tail.length()) + tail)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A request whose headers and first bytes are sent, and whose body is still to come. */
  private Socket startUpload(final byte[] body) throws Exception {
    final Socket socket = new Socket("127.0.0.1", coexist.app().port());
    socket.setSoTimeout(10_000);
    final OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: "
                + Signatures.metaHeader(APP_SECRET.getBytes(StandardCharsets.UTF_8), body)
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, 100);
    out.flush();
    return socket;
  }

  private static String finishUpload(final Socket socket, final byte[] body) throws Exception {
    final OutputStream out = socket.getOutputStream();
    out.write(body, 100, body.length - 100);
    out.flush();
    final InputStream in = socket.getInputStream();
    return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
  }

  private HttpResponse<String> post(final byte[] body) throws Exception {
    return coexist.post(
        "/webhooks/whatsapp",
        body,
        "X-Hub-Signature-256",
        Signatures.metaHeader(APP_SECRET.getBytes(StandardCharsets.UTF_8), body));
  }

  private double metric(final String line) throws Exception {
    for (final String row : coexist.get("/metrics").body().split("\n")) {
      if (row.startsWith(line + " ")) {
        return Double.parseDouble(row.substring(line.length() + 1));
      }
    }
    return Double.NaN;
  }

  private void awaitBytesInUse(final double expected) throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (metric("coexist_ingest_memory_in_use_bytes") != expected
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    assertThat(metric("coexist_ingest_memory_in_use_bytes")).isEqualTo(expected);
  }

  @Test
  void aBodyThatDoesNotFitIs503UntilTheBytesComeBack() throws Exception {
    assertThat(metric("coexist_ingest_memory_limit_bytes")).isEqualTo(128 * 1024);
    final byte[] first = body("wamid.M1");
    final byte[] second = body("wamid.M2");
    final byte[] third = body("wamid.M3");
    try (Socket slow = startUpload(first);
        Socket gone = startUpload(second)) {
      // both bodies hold their whole Content-Length while they arrive
      awaitBytesInUse(2 * BODY_BYTES);

      final HttpResponse<String> refused = post(third);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).contains("5");
      assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("unavailable");
      assertThat(JSON.readTree(refused.body()).get("reason").asText())
          .isEqualTo("too many deliveries are being received at once; deliver again later");
      assertThat(metric("coexist_ingest_memory_refused_total{route=\"whatsapp\"}")).isEqualTo(1);
      assertThat(metric("coexist_deliveries_total{outcome=\"overloaded\",route=\"whatsapp\"}"))
          .isEqualTo(1);

      // the first upload completes and is journalled: its bytes are back
      assertThat(finishUpload(slow, first)).isEqualTo("HTTP/1.1 200");
      awaitBytesInUse(BODY_BYTES);
      assertThat(post(third).statusCode()).isEqualTo(200);

      // the second client goes away mid-body: its bytes are back too
      gone.setSoLinger(true, 0);
    }
    awaitBytesInUse(0);
    assertThat(JournalRows.all(coexist.journalFile()))
        .extracting(JournalRows::acceptance)
        .containsExactly("accepted", "accepted");
  }

  @Test
  void aForgedSignatureHoldsItsBodyOnlyUntilItIsRefused() throws Exception {
    final byte[] body = body("wamid.M4");
    // well-formed, so only the body can tell: it is read within the budget, then refused
    final HttpResponse<String> forged =
        coexist.post(
            "/webhooks/whatsapp",
            body,
            "X-Hub-Signature-256",
            Signatures.metaHeader("not-the-secret".getBytes(StandardCharsets.UTF_8), body));
    assertThat(forged.statusCode()).isEqualTo(401);
    // a chunked body (no Content-Length) reserves as it arrives and gives it all back
    final HttpResponse<String> chunked =
        coexist
            .client()
            .send(
                java.net.http.HttpRequest.newBuilder(coexist.uri("/webhooks/whatsapp"))
                    .header(
                        "X-Hub-Signature-256",
                        Signatures.metaHeader(APP_SECRET.getBytes(StandardCharsets.UTF_8), body))
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(200);
    awaitBytesInUse(0);
  }
}
