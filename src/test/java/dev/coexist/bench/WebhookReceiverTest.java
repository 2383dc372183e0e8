package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.changes.ChangeRecord;
import dev.coexist.changes.WebhookSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {

  private static final Instant COMMITTED = Instant.parse("2026-12-06T07:30:00.123Z");

  private static byte[] event(final long seq, final long thread) {
    return new ChangeRecord(
            seq,
            COMMITTED,
            "message.created",
            "107700000000001",
            thread,
            // the text, before the key, holds an escaped "thread_id": 9
            "{\"phone_number_id\":\"107700000000001\",\"text\":\"say \\\"thread_id\\\": 9\","
                + "\"thread_id\":"
                + thread
                + ",\"wamid\":\"wamid.X\"}")
        .eventJson()
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void acceptsTheSignaturesCoexistMakesAndRefusesOthers() {
    final String secret = WebhookSigning.newSecret();
    final String other = WebhookSigning.newSecret();
    final byte[] body = event(42, 7);
    final String coexists = WebhookSigner.signature(List.of(secret), "42", 1_765_000_000L, body);
    final Mac mac = WebhookSigning.mac(secret);

    assertThat(WebhookSigning.verifies(mac, "42", "1765000000", body, coexists)).isTrue();
    assertThat(WebhookSigning.sign(mac, "42", "1765000000", body)).isEqualTo(coexists);
    // during a rotation two signatures are sent: either may be the receiver's
    final String rotated =
        WebhookSigner.signature(List.of(other, secret), "42", 1_765_000_000L, body);
    assertThat(WebhookSigning.verifies(mac, "42", "1765000000", body, rotated)).isTrue();
    assertThat(WebhookSigning.verifies(mac, "43", "1765000000", body, coexists)).isFalse();
    assertThat(WebhookSigning.verifies(mac, "42", "1765000001", body, coexists)).isFalse();
    assertThat(
            WebhookSigning.verifies(WebhookSigning.mac(other), "42", "1765000000", body, coexists))
        .isFalse();
    assertThat(WebhookSigning.verifies(mac, "42", "1765000000", body, "v1,not base64!")).isFalse();
  }

  @Test
  void readsTheCommitTimeTheThreadAndTheWamidOfAnEvent() {
    final String event = new String(event(42, 7), StandardCharsets.UTF_8);

    assertThat(WebhookEvents.committedMicros(event))
        .isEqualTo(COMMITTED.getEpochSecond() * 1_000_000 + 123_000);
    // the escaped "thread_id" inside the text is not the key
    assertThat(WebhookEvents.threadId(event)).isEqualTo(7);
    assertThat(WebhookEvents.threadId("{\"type\":\"number.updated\",\"data\":{}}"))
        .isEqualTo(ArrivalLog.NO_THREAD);
    assertThat(WebhookEvents.committedMicros("{\"data\":{}}")).isEqualTo(-1);
    assertThat(WebhookEvents.wamid(event)).isEqualTo("wamid.X");
    // an escaped key inside a text is no wamid
    assertThat(WebhookEvents.wamid("{\"data\":{\"text\":\"\\\"wamid\\\":\\\"wamid.Y\"}}")).isNull();
  }

  @Test
  void readsTheWebhookHeadersOfARequestHead() {
    final WebhookReceiver.Request request =
        WebhookReceiver.Request.parse(
            "POST /hook/3 HTTP/1.1\r\nContent-Length: 12\r\nWebhook-Id: 42\r\n"
                + "webhook-timestamp: 1765000000\r\nwebhook-signature: v1,abc v1,def\r\n\r\n");

    assertThat(request)
        .isEqualTo(
            new WebhookReceiver.Request("/hook/3", 12, "42", "1765000000", "v1,abc v1,def", false));
    assertThat(WebhookReceiver.Request.parse("GET /hook/3 HTTP/1.1\r\n\r\n")).isNull();
    assertThat(
            WebhookReceiver.Request.parse(
                "POST /hook/3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"))
        .isNull();
    assertThat(
            WebhookReceiver.Request.parse(
                    "POST /hook/0 HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .close())
        .isTrue();
  }

  @Test
  void recordsSignedEventsAnswers401ToBadSignaturesAnd503WhileDown() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start(2);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      final long now = Instant.now().getEpochSecond();

      assertThat(post(client, receiver, 1, 42, now, receiver.secret(1))).isEqualTo(200);
      assertThat(post(client, receiver, 1, 42, now, receiver.secret(1))).isEqualTo(200);
      assertThat(post(client, receiver, 1, 43, now, receiver.secret(0))).isEqualTo(401);
      // a timestamp outside the tolerance: a replayed request
      assertThat(post(client, receiver, 0, 44, now - 3_600, receiver.secret(0))).isEqualTo(401);
      receiver.down();
      assertThat(post(client, receiver, 0, 45, now, receiver.secret(0))).isEqualTo(503);
      receiver.up();
      assertThat(post(client, receiver, 0, 45, now, receiver.secret(0))).isEqualTo(200);

      assertThat(receiver.log(1).distinct()).isEqualTo(1);
      assertThat(receiver.log(1).duplicates()).isEqualTo(1);
      assertThat(receiver.log(0).distinct()).isEqualTo(1);
      assertThat(receiver.distinct()).isEqualTo(2);
      assertThat(receiver.badSignatures()).isEqualTo(2);
      assertThat(receiver.refused()).isEqualTo(1);
    }
  }

  private static int post(
      final HttpClient client,
      final WebhookReceiver receiver,
      final int index,
      final long id,
      final long timestamp,
      final String secret)
      throws Exception {
    final byte[] body = event(id, 7);
    final HttpRequest request =
        HttpRequest.newBuilder(URI.create(receiver.url(index)))
            .header("Content-Type", "application/json")
            .header("webhook-id", Long.toString(id))
            .header("webhook-timestamp", Long.toString(timestamp))
            .header(
                "webhook-signature",
                WebhookSigner.signature(List.of(secret), Long.toString(id), timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
