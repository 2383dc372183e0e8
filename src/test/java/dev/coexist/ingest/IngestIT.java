package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The webhook endpoints over real HTTP, journalling into a real SQLite file. */
class IngestIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PARTNER_SECRET = "partner-secret";
  private static final String APP_SECRET = "app-secret";

  @TempDir Path dataDir;
  private RunningApp coexist;

  @BeforeEach
  void start() {
    coexist =
        RunningApp.start(
            dataDir,
            Map.of(
                ConfigKey.PARTNER_SECRET, PARTNER_SECRET,
                ConfigKey.APP_SECRET, APP_SECRET,
                ConfigKey.HEADER_SECRET, "X-Coexist-Secret:static-secret",
                ConfigKey.VERIFY_TOKEN, "verify-me",
                ConfigKey.MAX_BODY, "64KB"));
  }

  @AfterEach
  void stop() {
    coexist.close();
  }

  private static byte[] echo(final String wamid) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"field\":"
            + "\"smb_message_echoes\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":"
            + "\"15550001111\",\"phone_number_id\":\"106540352242922\"},\"message_echoes\":[{\"from\":\"15550001111\","
            + "\"to\":\"16505551234\",\"id\":\""
            + wamid
            + "\",\"timestamp\":\"1700255121\",\"type\":\"text\",\"text\":{\"body\":\"Olá 👋\"}}]}}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] history(final String eventId, final String body) {
    return ("{\"id\":\""
            + eventId
            + "\",\"event\":\"history\",\"data\":{\"id\":\"102290129340398\",\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"display_phone_number\":\"15550001111\",\"phone_number_id\":\"106540352242922\"},"
            + "\"history\":[{\"metadata\":{\"phase\":\"0\",\"chunk_order\":1,\"progress\":\"10\"},\"threads\":[{\"id\":"
            + "\"16505551234\",\"messages\":[{\"from\":\"16505551234\",\"id\":\"wamid.H1\",\"timestamp\":\"1739230955\","
            + "\"type\":\"text\",\"text\":{\"body\":\""
            + body
            + "\"},\"history_context\":{\"status\":\"READ\"}}]}]}]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String[] metaSigned(final byte[] body) {
    return new String[] {
      "X-Hub-Signature-256",
      Signatures.metaHeader(APP_SECRET.getBytes(StandardCharsets.UTF_8), body)
    };
  }

  private static String[] partnerSigned(final byte[] body) {
    return new String[] {
      "x-360dialog-signature",
      Signatures.metaHeader(PARTNER_SECRET.getBytes(StandardCharsets.UTF_8), body).substring(7)
    };
  }

  private static JsonNode json(final HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void acceptedDeliveryIsJournalledByteForByte() throws Exception {
    final byte[] body = echo("wamid.E1");
    final HttpResponse<String> response =
        coexist.post("/webhooks/whatsapp", body, metaSigned(body));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("status").asText()).isEqualTo("accepted");
    final List<JournalRows.Row> rows = JournalRows.all(coexist.journalFile());
    assertThat(rows).hasSize(1);
    final JournalRows.Row row = rows.get(0);
    assertThat(row.id()).isEqualTo(json(response).get("id").asLong());
    assertThat(JournalRows.acceptance(row)).isEqualTo("accepted");
    assertThat(row.route()).isEqualTo("whatsapp");
    assertThat(row.body()).isEqualTo(body);
    assertThat(row.bodySha256()).isEqualTo(WebhookRoutes.sha256Hex(body));
    assertThat(JSON.readTree(row.headers()).get("x-hub-signature-256").asText())
        .startsWith("sha256=");
  }

  @Test
  void eachSchemeAuthenticatesOnBothRoutes() throws Exception {
    final byte[] first = history("evt-1", "one");
    final byte[] second = history("evt-2", "two");
    final byte[] third = echo("wamid.E3");
    final byte[] fourth = echo("wamid.E4");
    assertThat(coexist.post("/webhooks/360dialog", first, partnerSigned(first)).statusCode())
        .isEqualTo(200);
    assertThat(coexist.post("/webhooks/360dialog", second, metaSigned(second)).statusCode())
        .isEqualTo(200);
    assertThat(coexist.post("/webhooks/whatsapp", third, partnerSigned(third)).statusCode())
        .isEqualTo(200);
    assertThat(
            coexist
                .post("/webhooks/whatsapp", fourth, "X-Coexist-Secret", "static-secret")
                .statusCode())
        .isEqualTo(200);
    assertThat(JournalRows.all(coexist.journalFile()))
        .extracting(JournalRows::acceptance)
        .containsExactly("accepted", "accepted", "accepted", "accepted");
  }

  @Test
  void refusedDeliveryIs401WithAGenericAnswerAndTheDetailInTheLog() throws Exception {
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger refusalLog = (Logger) LoggerFactory.getLogger(RefusalLog.class);
    log.start();
    refusalLog.addAppender(log);
    try {
      final byte[] body = echo("wamid.E5");
      final byte[] tampered = echo("wamid.E6");
      final List<HttpResponse<String>> refused =
          List.of(
              // no credentials at all
              coexist.post("/webhooks/whatsapp", body),
              // a signature of another body
              coexist.post("/webhooks/whatsapp", tampered, metaSigned(echo("wamid.other"))),
              // a signature that is neither hex nor base64 of 32 bytes
              coexist.post("/webhooks/360dialog", body, "x-360dialog-signature", "sha256=xyz"),
              // the static header with the wrong value
              coexist.post("/webhooks/360dialog", body, "X-Coexist-Secret", "guess"));
      for (final HttpResponse<String> response : refused) {
        assertThat(response.statusCode()).isEqualTo(401);
        // exactly error and reason, the same words whatever went wrong
        assertThat(response.body())
            .isEqualTo(
                "{\"error\":\"unauthorized\",\"reason\":\"the delivery does not carry valid"
                    + " credentials\"}");
      }

      assertThat(JournalRows.all(coexist.journalFile())).isEmpty();
      final String metrics = coexist.get("/metrics").body();
      assertThat(metrics)
          .contains(
              "coexist_deliveries_unauthorized_total{reason=\"missing_credentials\",route=\"whatsapp\"} 1.0")
          .contains(
              "coexist_deliveries_unauthorized_total{reason=\"invalid_signature\",route=\"whatsapp\"} 1.0")
          .contains(
              "coexist_deliveries_unauthorized_total{reason=\"malformed_signature\",route=\"360dialog\"} 1.0")
          .contains(
              "coexist_deliveries_unauthorized_total{reason=\"invalid_header_secret\",route=\"360dialog\"} 1.0");
      // one line per reason (the first of each is always written), with the detail
      final List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(lines).hasSize(4);
      assertThat(lines.get(0))
          .contains("Delivery on whatsapp from")
          .contains("(missing_credentials)")
          .contains("x-360dialog-signature is missing")
          .contains("X-Hub-Signature-256 is missing")
          .contains("X-Coexist-Secret is missing");
      assertThat(lines.get(1))
          .contains("(invalid_signature)")
          .contains("X-Hub-Signature-256 does not match the body");
      assertThat(lines.get(2))
          .contains("Delivery on 360dialog")
          .contains("(malformed_signature)")
          .contains("x-360dialog-signature is neither hex nor base64");
      assertThat(lines.get(3))
          .contains("(invalid_header_secret)")
          .contains("header X-Coexist-Secret has the wrong value");

      // the same reason again within the interval: counted, not logged
      coexist.post("/webhooks/whatsapp", body);
      assertThat(log.list).hasSize(4);
      assertThat(coexist.get("/metrics").body())
          .contains(
              "coexist_deliveries_unauthorized_total{reason=\"missing_credentials\",route=\"whatsapp\"} 2.0");
    } finally {
      refusalLog.detachAppender(log);
    }
  }

  @Test
  void bodiesThatAreNotUtf8Are400WithReasonAndKeptAsRejected() throws Exception {
    final String envelope = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
    // a key holding "/" written in two bytes: valid JSON to the parser, not valid UTF-8
    final byte[] keyStart =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[],\"k"
            .getBytes(StandardCharsets.UTF_8);
    final java.io.ByteArrayOutputStream badKeyBytes = new java.io.ByteArrayOutputStream();
    badKeyBytes.write(keyStart);
    badKeyBytes.write(new byte[] {(byte) 0xC0, (byte) 0xAF});
    badKeyBytes.write("\":1}".getBytes(StandardCharsets.UTF_8));
    final byte[] badKey = badKeyBytes.toByteArray();
    final byte[][] bodies = {
      badKey,
      envelope.getBytes(StandardCharsets.UTF_16), // with a byte order mark
      envelope.getBytes(StandardCharsets.UTF_16LE), // without
    };
    final String[] reasons = {
      "not UTF-8: byte 0xC0 at offset " + keyStart.length + " is not valid UTF-8",
      "not UTF-8: byte 0xFE at offset 0 is not valid UTF-8 (a UTF-16 byte order mark?)",
      "not UTF-8: a NUL byte at offset 1 (UTF-16 or UTF-32 text?)"
    };
    for (int index = 0; index < bodies.length; index++) {
      final HttpResponse<String> response =
          coexist.post("/webhooks/whatsapp", bodies[index], metaSigned(bodies[index]));
      assertThat(response.statusCode()).as(reasons[index]).isEqualTo(400);
      assertThat(json(response).get("error").asText()).isEqualTo("bad_request");
      assertThat(json(response).get("reason").asText()).isEqualTo(reasons[index]);
    }
    final List<JournalRows.Row> rows = JournalRows.all(coexist.journalFile());
    assertThat(rows).extracting(JournalRows.Row::state).containsOnly("rejected").hasSize(3);
    assertThat(rows).extracting(JournalRows.Row::error).containsExactly(reasons);
    assertThat(rows.get(0).body()).isEqualTo(badKey);
  }

  @Test
  void redeliveryOnEitherRouteIsADuplicateNotASecondPendingEntry() throws Exception {
    final byte[] body = echo("wamid.E7");
    final HttpResponse<String> first = coexist.post("/webhooks/whatsapp", body, metaSigned(body));
    final HttpResponse<String> again = coexist.post("/webhooks/360dialog", body, metaSigned(body));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("status").asText()).isEqualTo("duplicate");
    assertThat(json(again).get("duplicate_of").asLong()).isEqualTo(json(first).get("id").asLong());
    final List<JournalRows.Row> rows = JournalRows.all(coexist.journalFile());
    assertThat(rows).extracting(JournalRows::acceptance).containsExactly("accepted", "duplicate");
    assertThat(rows.get(1).duplicateOf()).isEqualTo(rows.get(0).id());
  }

  @Test
  void the360dialogEventIdIdentifiesARedeliveryEvenWhenTheBytesDiffer() throws Exception {
    final byte[] original = history("evt-same", "first wording");
    final byte[] reworded = history("evt-same", "second wording");
    coexist.post("/webhooks/360dialog", original, partnerSigned(original));
    final HttpResponse<String> again =
        coexist.post("/webhooks/360dialog", reworded, partnerSigned(reworded));

    assertThat(json(again).get("status").asText()).isEqualTo("duplicate");
    assertThat(JournalRows.all(coexist.journalFile()))
        .extracting(JournalRows::acceptance, JournalRows.Row::eventId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("accepted", "evt-same"),
            org.assertj.core.groups.Tuple.tuple("duplicate", "evt-same"));
  }

  @Test
  void badBodiesAre400WithReasonAndKeptAsRejected() throws Exception {
    final byte[][] bodies = {
      new byte[0],
      "not json at all".getBytes(StandardCharsets.UTF_8),
      "{\"object\":\"whatsapp_business_account\",\"entry\":[".getBytes(StandardCharsets.UTF_8),
      "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8)
    };
    final String[] reasons = {
      "empty body",
      "not JSON: Unrecognized token",
      "not JSON: Unexpected end-of-input",
      "neither envelope"
    };
    for (int index = 0; index < bodies.length; index++) {
      final HttpResponse<String> response =
          coexist.post("/webhooks/360dialog", bodies[index], "X-Coexist-Secret", "static-secret");
      assertThat(response.statusCode()).as(reasons[index]).isEqualTo(400);
      assertThat(json(response).get("error").asText()).isEqualTo("bad_request");
      assertThat(json(response).get("reason").asText()).startsWith(reasons[index]);
    }
    final List<JournalRows.Row> rows = JournalRows.all(coexist.journalFile());
    assertThat(rows).extracting(JournalRows.Row::state).containsOnly("rejected").hasSize(4);
    assertThat(rows.get(1).body()).isEqualTo(bodies[1]);
    assertThat(rows.get(3).error()).startsWith("neither envelope");
  }

  @Test
  void anOversizedBodyIs413WithoutBeingRead() throws Exception {
    final byte[] large = new byte[65 * 1024];
    java.util.Arrays.fill(large, (byte) ' ');
    final HttpResponse<String> response =
        coexist.post("/webhooks/whatsapp", large, "X-Coexist-Secret", "static-secret");
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json(response).get("reason").asText()).contains("the limit is 65536 (--max-body)");

    // a client announcing 100 MB gets its 413 before it has sent any of it
    try (Socket socket = new Socket("127.0.0.1", coexist.app().port())) {
      socket.setSoTimeout(5_000);
      final OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nX-Coexist-Secret: static-secret\r\n"
                  + "Content-Length: 104857600\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      final InputStream in = socket.getInputStream();
      final String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(statusLine).isEqualTo("HTTP/1.1 413");
    }
    assertThat(JournalRows.all(coexist.journalFile())).isEmpty();
  }

  @Test
  void aClientThatSendsItsWholeOversizedBodyBeforeReadingStillGetsThe413AndItsReason()
      throws Exception {
    // the server answers from the headers; had it closed at once, the body still coming would meet
    // a closed socket, be answered with a reset, and the client would lose the answer with it
    final byte[] body = new byte[200 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    try (Socket socket = new Socket("127.0.0.1", coexist.app().port())) {
      socket.setSoTimeout(5_000);
      final OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nX-Coexist-Secret: static-secret\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(300); // the server has answered from the headers by now
      for (int from = 0; from < body.length; from += 8 * 1024) {
        out.write(body, from, 8 * 1024);
        out.flush();
      }
      // read the answer as a client does, up to its reason (the server closes only later)
      final InputStream in = socket.getInputStream();
      final StringBuilder answer = new StringBuilder();
      final byte[] chunk = new byte[4096];
      while (!answer.toString().contains("(--max-body)")) {
        final int read = in.read(chunk);
        if (read < 0) {
          break;
        }
        answer.append(new String(chunk, 0, read, StandardCharsets.UTF_8));
      }
      assertThat(answer.toString())
          .startsWith("HTTP/1.1 413")
          .contains("the limit is 65536 (--max-body)");
    }
  }

  @Test
  void metaHandshakeEchoesTheChallengeOnlyForTheRightToken() throws Exception {
    final HttpResponse<String> ok =
        coexist.get(
            "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1158201444");

    final HttpResponse<String> wrong =
        coexist.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(json(wrong).get("reason").asText()).isEqualTo("hub.verify_token does not match");
  }

  @Test
  void healthAndMetricsDescribeTheService() throws Exception {
    final byte[] body = echo("wamid.E8");
    coexist.post("/webhooks/whatsapp", body, metaSigned(body));

    assertThat(coexist.get("/health/live").statusCode()).isEqualTo(200);
    final HttpResponse<String> ready = coexist.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("journal").asText()).isEqualTo("writable");
    final String metrics = coexist.get("/metrics").body();
    assertThat(metrics)
        .contains("coexist_deliveries_total{outcome=\"accepted\",route=\"whatsapp\"} 1.0")
        .contains("coexist_ack_latency_seconds_bucket{route=\"whatsapp\"")
        .contains("coexist_journal_batch_size_count")
        .contains("coexist_journal_backlog");
  }
}
