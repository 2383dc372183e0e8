package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.DataPath;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.store.MessageQueries;
import dev.coexist.store.ResourceJson;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A history chunk is one change in the log; a subscription that asks for its messages gets, after
 * the chunk's history.updated, one message.created per message the chunk stored, each with its own
 * webhook-id (seq.n), signed, in the order of its thread, the same id again when it is retried. A
 * subscription that does not ask gets the chunk's change only. Real receivers on loopback, the
 * forwarder and the processor on a real database.
 */
class HistoryMessagesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NUMBER = "106540352242922";
  private static final String ANA = "16505550001";
  private static final String BEN = "16505550002";

  @TempDir Path folder;

  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-16T12:00:00Z"));
  private DataPath dataPath;
  private Forwarder forwarder;
  private final List<TestReceiver> receivers = new ArrayList<>();

  private void start(final Engine engine) {
    dataPath =
        DataPath.open(
            DataPath.Settings.forTool(Engines.url(engine, folder)),
            new SimpleMeterRegistry(),
            change -> {
              if (forwarder != null) {
                forwarder.wake();
              }
            });
    forwarder =
        new Forwarder(
            new Subscriptions(dataPath.storage().store()),
            new OutboundQueue(dataPath.storage().store()),
            new ChangeLog(dataPath.storage().store()),
            new ForwarderSettings(
                Duration.ofMillis(50),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                16,
                Duration.ofSeconds(30),
                Duration.ofDays(5),
                Duration.ofMinutes(1),
                true),
            clock,
            () -> 0.5,
            new SimpleMeterRegistry());
    forwarder.start();
    dataPath.start();
  }

  @AfterEach
  void stop() {
    if (forwarder != null) {
      forwarder.close();
    }
    if (dataPath != null) {
      dataPath.close();
    }
    receivers.forEach(TestReceiver::close);
  }

  private TestReceiver receiver() throws Exception {
    final TestReceiver receiver = new TestReceiver();
    receivers.add(receiver);
    return receiver;
  }

  private WebhookSubscription subscribe(final TestReceiver receiver, final boolean messages)
      throws Exception {
    return new Subscriptions(dataPath.storage().store())
        .create(
            new Subscriptions.NewSubscription(
                receiver.url(), "test", List.of(), List.of(), null, messages),
            clock.instant());
  }

  private void post(final String json) throws Exception {
    final byte[] body = json.getBytes(StandardCharsets.UTF_8);
    final String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    dataPath
        .journal()
        .append(new Delivery(System.currentTimeMillis(), "whatsapp", "{}", body, sha, null, null))
        .join();
  }

  private static String text(
      final String wamid, final String from, final String to, final long at) {
    return """
        {"from":"%s",%s"id":"%s","timestamp":"%d","type":"text","text":{"body":"%s"},
         "history_context":{"status":"READ"}}"""
        .formatted(from, to == null ? "" : "\"to\":\"" + to + "\",", wamid, at, "text of " + wamid);
  }

  /**
   * Two threads: Ana's with a reaction among its messages (an action, not a message of its own),
   * Ben's with a message the store holds already. The chunk stores five: A1, A2, A4, B1, B3.
   */
  private static String chunk() {
    final String reaction =
        """
        {"from":"%s","id":"wamid.A3","timestamp":"1739000030","type":"reaction",
         "reaction":{"message_id":"wamid.A1","emoji":"\\uD83D\\uDC4D"}}"""
            .formatted(ANA);
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"history","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
        "history":[{"metadata":{"phase":0,"chunk_order":1,"progress":10},"threads":[
        {"id":"%s","messages":[%s,%s,%s,%s]},
        {"id":"%s","messages":[%s,%s,%s]}]}]}}]}]}"""
        .formatted(
            NUMBER,
            ANA,
            text("wamid.A1", ANA, null, 1739000010),
            text("wamid.A2", "15550001111", ANA, 1739000020),
            reaction,
            text("wamid.A4", ANA, null, 1739000040),
            BEN,
            text("wamid.B1", BEN, null, 1739000110),
            text("wamid.B2", "15550001111", BEN, 1739000120),
            text("wamid.B3", BEN, null, 1739000130));
  }

  private static String echo(final String wamid, final String to) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"smb_message_echoes","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
        "message_echoes":[{"from":"15550001111","to":"%s","id":"%s","timestamp":"1739000120",
        "type":"text","text":{"body":"text of %s"}}]}}]}]}"""
        .formatted(NUMBER, to, wamid, wamid);
  }

  private static void await(final String what, final BooleanSupplier condition)
      throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static JsonNode event(final TestReceiver.Received request) {
    try {
      return JSON.readTree(request.body());
    } catch (Exception unreadable) {
      throw new AssertionError(unreadable);
    }
  }

  private static List<TestReceiver.Received> ofType(
      final TestReceiver receiver, final String type) {
    return receiver.received().stream()
        .filter(request -> event(request).path("type").asText().equals(type))
        .toList();
  }

  /** The per-message events received: by webhook-id, the first request of each. */
  private static Map<String, TestReceiver.Received> perMessage(final TestReceiver receiver) {
    final Map<String, TestReceiver.Received> first = new LinkedHashMap<>();
    for (final TestReceiver.Received request : receiver.received()) {
      if (request.id().contains(".")) {
        first.putIfAbsent(request.id(), request);
      }
    }
    return first;
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aSubscriptionThatAsksGetsOneMessageEventPerStoredMessageAndTheOtherTheChunkOnly(
      final Engine engine) throws Exception {
    start(engine);
    final TestReceiver plain = receiver();
    final TestReceiver detailed = receiver();
    subscribe(plain, false);
    final WebhookSubscription withMessages = subscribe(detailed, true);
    // the first attempt of the chunk's second message fails: it goes again, same id and signed
    final AtomicBoolean failedOnce = new AtomicBoolean();
    detailed.answer(
        request ->
            request.id().endsWith(".2") && failedOnce.compareAndSet(false, true)
                ? TestReceiver.Answer.of(503)
                : TestReceiver.Answer.of(200));

    // Ben's B2 is stored before the chunk (an echo): it is not the chunk's. The chunk goes to the
    // number's history lane, which may be applied beside its live lane: it is posted once the
    // echo's change is out, so that the echo is stored first
    post(echo("wamid.B2", BEN));
    await("the echo's change", () -> ofType(plain, "message.created").size() == 1);
    post(chunk());
    // the same chunk delivered again stores nothing new: its change has no messages
    post(chunk() + " ");

    await(
        "both chunks' changes at both receivers",
        () ->
            ofType(plain, "history.updated").size() == 2
                && ofType(detailed, "history.updated").size() == 2);
    await("five messages", () -> perMessage(detailed).size() == 5);
    await(
        "the threads refreshed",
        () ->
            ofType(detailed, "thread.updated").size() >= 2
                && ofType(plain, "thread.updated").size() >= 2);
    Thread.sleep(300); // nothing more may come

    final List<TestReceiver.Received> chunks = ofType(detailed, "history.updated");
    final long seq = Long.parseLong(chunks.get(0).id());
    final JsonNode chunkEvent = event(chunks.get(0));

    // the default subscription: the chunk's change, no message of it
    assertThat(perMessage(plain)).isEmpty();
    assertThat(
            ofType(plain, "message.created").stream()
                .map(request -> event(request).path("data").path("origin").asText()))
        .containsOnly("echo");

    // the other: one per stored message, in the chunk's order, ids seq.1 to seq.5
    final Map<String, TestReceiver.Received> messages = perMessage(detailed);
    final List<String> expected =
        List.of("wamid.A1", "wamid.A2", "wamid.A4", "wamid.B1", "wamid.B3");
    final MessageQueries stored = new MessageQueries(dataPath.storage().store());
    for (int n = 1; n <= expected.size(); n++) {
      final TestReceiver.Received request = messages.get(seq + "." + n);
      assertThat(request).as("event " + seq + "." + n).isNotNull();
      assertThat(TestReceiver.signedWith(request, withMessages.secret())).isTrue();
      final JsonNode event = event(request);
      assertThat(event.path("type").asText()).isEqualTo("message.created");
      assertThat(event.path("timestamp")).isEqualTo(chunkEvent.path("timestamp"));
      final JsonNode data = event.path("data");
      assertThat(data.path("wamid").asText()).isEqualTo(expected.get(n - 1));
      assertThat(data.path("origin").asText()).isEqualTo("history");
      // the message as GET /api/v1/messages/{wamid} shows it
      final JsonNode shown =
          JSON.readTree(
              JSON.writeValueAsString(
                  ResourceJson.messageDetail(
                      stored.find(NUMBER, expected.get(n - 1)).orElseThrow())));
      final ObjectNode sent = data.deepCopy();
      sent.remove("origin");
      assertThat(sent).isEqualTo(shown);
    }
    assertThat(event(messages.get(seq + ".1")).path("data").path("reactions")).hasSize(1);
    // nothing for the repeated chunk, nothing for the message stored before it
    assertThat(messages.keySet()).allMatch(id -> id.startsWith(seq + "."));

    // the retried event: the same webhook-id twice, each attempt signed
    final List<TestReceiver.Received> retried =
        detailed.received().stream().filter(request -> request.id().equals(seq + ".2")).toList();
    assertThat(retried).hasSize(2);
    assertThat(retried.get(1).body()).isEqualTo(retried.get(0).body());
    for (final TestReceiver.Received attempt : retried) {
      assertThat(TestReceiver.signedWith(attempt, withMessages.secret())).isTrue();
    }

    // per thread in order: its messages by n, then its thread.updated (a later change)
    final Map<Long, List<String>> byThread = new LinkedHashMap<>();
    final Set<String> firsts = new LinkedHashSet<>();
    for (final TestReceiver.Received request : detailed.received()) {
      final JsonNode data = event(request).path("data");
      if (!firsts.add(request.id()) || !data.has("thread_id")) {
        continue;
      }
      byThread
          .computeIfAbsent(data.path("thread_id").asLong(), key -> new ArrayList<>())
          .add(request.id());
    }
    assertThat(byThread).hasSize(2);
    for (final List<String> ids : byThread.values()) {
      final List<EventId> order = ids.stream().map(EventId::parse).toList();
      assertThat(order).isSorted();
    }
    assertThat(byThread.values())
        .anySatisfy(ids -> assertThat(ids).startsWith(seq + ".1", seq + ".2", seq + ".3"))
        .anySatisfy(ids -> assertThat(ids).containsSubsequence(seq + ".4", seq + ".5"));

    // queued exactly once: one row per event, whatever the rounds
    final OutboundQueue queue = new OutboundQueue(dataPath.storage().store());
    assertThat(queue.recent(withMessages.id(), 100).stream().filter(row -> row.part() > 0))
        .extracting(row -> row.webhookId().toString())
        .containsExactlyInAnyOrder(seq + ".1", seq + ".2", seq + ".3", seq + ".4", seq + ".5");
    assertThat(queue.recent(withMessages.id(), 100))
        .filteredOn(row -> row.webhookId().toString().equals(seq + ".2"))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.attempts()).isEqualTo(2);
              assertThat(row.type()).isEqualTo("message.created");
            });
  }
}
