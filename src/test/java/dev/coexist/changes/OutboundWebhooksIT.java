package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.DataPath;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound webhooks end to end on SQLite: deliveries journalled and applied by the processor, their
 * changes forwarded over real HTTP to a receiver that verifies the signatures, with a clock the
 * test moves to step through the retry schedule.
 */
class OutboundWebhooksIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NUMBER = "106540352242922";

  @TempDir Path folder;

  private DataPath dataPath;
  private Subscriptions subscriptions;
  private OutboundQueue queue;
  private Forwarder forwarder;
  private TestReceiver receiver;
  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-16T12:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    dataPath =
        DataPath.open(
            DataPath.Settings.forTool(Engines.url(Engine.SQLITE, folder)),
            new SimpleMeterRegistry(),
            change -> {
              if (forwarder != null) {
                forwarder.wake();
              }
            });
    final ChangeLog log = new ChangeLog(dataPath.storage().store());
    subscriptions = new Subscriptions(dataPath.storage().store());
    queue = new OutboundQueue(dataPath.storage().store());
    forwarder =
        new Forwarder(
            subscriptions,
            queue,
            log,
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
    forwarder.close();
    dataPath.close();
    receiver.close();
  }

  private WebhookSubscription subscribe(final List<String> types) throws Exception {
    return subscriptions.create(
        new Subscriptions.NewSubscription(receiver.url(), "test", types, List.of(), null),
        clock.instant());
  }

  /** A live inbound message of customer {@code customer}. */
  private void post(final String wamid, final int customer) throws Exception {
    final byte[] body =
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
        "contacts":[{"profile":{"name":"Customer %d"},"wa_id":"1650555%04d"}],
        "messages":[{"from":"1650555%04d","id":"%s","timestamp":"1740000000",
        "type":"text","text":{"body":"hello"}}]}}]}]}"""
            .formatted(NUMBER, customer, customer, customer, wamid)
            .getBytes(StandardCharsets.UTF_8);
    final String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    dataPath
        .journal()
        .append(new Delivery(System.currentTimeMillis(), "whatsapp", "{}", body, sha, null, null))
        .join();
  }

  private static void await(final String what, final BooleanSupplier condition)
      throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits until the outcome of the {@code attempts}-th attempt of the subscription's change {@code
   * wamid} is recorded: only then does moving the clock move its next attempt.
   */
  private void awaitRecorded(final String subscription, final String wamid, final int attempts)
      throws InterruptedException {
    await(
        attempts + " attempts of " + wamid + " recorded",
        () -> {
          final List<TestReceiver.Received> sent = receivedFor(wamid);
          if (sent.isEmpty()) {
            return false;
          }
          final long seq = Long.parseLong(sent.get(0).id());
          try {
            return queue.recent(subscription, 100).stream()
                .anyMatch(event -> event.seq() == seq && event.attempts() == attempts);
          } catch (Exception failed) {
            return false;
          }
        });
  }

  private static JsonNode event(final TestReceiver.Received request) {
    try {
      return JSON.readTree(request.body());
    } catch (Exception unreadable) {
      throw new AssertionError(unreadable);
    }
  }

  private static String wamid(final TestReceiver.Received request) {
    return event(request).path("data").path("wamid").asText();
  }

  private List<TestReceiver.Received> receivedFor(final String wamid) {
    return receiver.received().stream().filter(request -> wamid(request).equals(wamid)).toList();
  }

  @Test
  void deliversEachWantedChangeSignedWithItsIdAndInTheOrderOfItsThread() throws Exception {
    final WebhookSubscription subscription = subscribe(List.of("message.created"));
    for (int n = 0; n < 12; n++) {
      post("wamid.out." + n, n % 3);
    }
    await("12 deliveries", () -> receiver.received().size() >= 12);
    Thread.sleep(300); // nothing else may come: thread.updated is not wanted

    final List<TestReceiver.Received> received = receiver.received();
    assertThat(received).hasSize(12);
    final Map<Integer, Long> lastOfThread = new LinkedHashMap<>();
    for (final TestReceiver.Received request : received) {
      assertThat(TestReceiver.signedWith(request, subscription.secret())).isTrue();
      final JsonNode event = event(request);
      assertThat(event.path("type").asText()).isEqualTo("message.created");
      assertThat(Instant.parse(event.path("timestamp").asText())).isNotNull();
      // the message as GET /api/v1/messages/{wamid} shows it (ChangeLogIT compares the two)
      final JsonNode data = event.path("data");
      assertThat(data.path("origin").asText()).isEqualTo("live");
      assertThat(data.path("origins").toString()).isEqualTo("[\"live\"]");
      assertThat(data.path("text").asText()).isEqualTo("hello");
      assertThat(data.path("statuses").isArray()).isTrue();
      assertThat(Long.parseLong(request.timestamp())).isEqualTo(clock.instant().getEpochSecond());
      final int thread = event.path("data").path("thread_id").asInt();
      final long id = Long.parseLong(request.id());
      assertThat(id).isGreaterThan(lastOfThread.getOrDefault(thread, 0L));
      lastOfThread.put(thread, id);
    }
    assertThat(lastOfThread).hasSize(3);
    assertThat(received.stream().map(TestReceiver.Received::id).distinct()).hasSize(12);
    await(
        "12 counted as delivered",
        () -> {
          try {
            return subscriptions.find(subscription.id()).orElseThrow().delivered() == 12;
          } catch (Exception failed) {
            return false;
          }
        });
  }

  @Test
  void aFailingEventIsRetriedOnScheduleWithItsIdAndHoldsBackOnlyItsOwnThread() throws Exception {
    final WebhookSubscription subscription = subscribe(List.of("message.created"));
    receiver.answer(
        request ->
            wamid(request).equals("wamid.bad")
                ? TestReceiver.Answer.of(500)
                : TestReceiver.Answer.of(200));
    post("wamid.bad", 1);
    post("wamid.after-bad", 1);
    post("wamid.other", 2);

    // the first attempt and the immediate retry fail; the next waits 5 s
    await("two attempts of the failing event", () -> receivedFor("wamid.bad").size() == 2);
    awaitRecorded(subscription.id(), "wamid.bad", 2);
    await("the other thread delivered", () -> receivedFor("wamid.other").size() == 1);
    Thread.sleep(500);
    assertThat(receivedFor("wamid.bad")).hasSize(2);
    assertThat(receivedFor("wamid.after-bad"))
        .as("held back behind its thread's failing event")
        .isEmpty();

    clock.advance(Duration.ofSeconds(4));
    Thread.sleep(300);
    assertThat(receivedFor("wamid.bad")).as("not before the 5 s").hasSize(2);
    receiver.answer(request -> TestReceiver.Answer.of(200));
    clock.advance(Duration.ofSeconds(1));
    await("the third attempt", () -> receivedFor("wamid.bad").size() == 3);
    await("the held event after it", () -> receivedFor("wamid.after-bad").size() == 1);

    final List<TestReceiver.Received> attempts = receivedFor("wamid.bad");
    assertThat(attempts).extracting(TestReceiver.Received::id).containsOnly(attempts.get(0).id());
    assertThat(Long.parseLong(receivedFor("wamid.after-bad").get(0).id()))
        .isGreaterThan(Long.parseLong(attempts.get(0).id()));
    final List<String> order =
        receiver.received().stream().map(OutboundWebhooksIT::wamid).distinct().toList();
    assertThat(order.indexOf("wamid.after-bad")).isGreaterThan(order.lastIndexOf("wamid.bad"));
    assertThat(subscriptions.find(subscription.id()).orElseThrow().failedAttempts()).isEqualTo(2);
  }

  @Test
  void aRetryAfterIsHonouredAndExhaustedRetriesBecomeADeadLetterThatCanBeReplayed()
      throws Exception {
    final WebhookSubscription subscription = subscribe(List.of("message.created"));
    receiver.answer(request -> new TestReceiver.Answer(503, "120"));
    post("wamid.dead", 1);
    await("the first attempt", () -> receivedFor("wamid.dead").size() == 1);
    awaitRecorded(subscription.id(), "wamid.dead", 1);
    clock.advance(Duration.ofSeconds(60));
    Thread.sleep(300);
    assertThat(receivedFor("wamid.dead"))
        .as("Retry-After 120 s, not the immediate retry")
        .hasSize(1);
    clock.advance(Duration.ofSeconds(60));
    await("the second attempt", () -> receivedFor("wamid.dead").size() == 2);
    awaitRecorded(subscription.id(), "wamid.dead", 2);

    receiver.answer(request -> TestReceiver.Answer.of(500));
    for (int attempt = 3; attempt <= RetrySchedule.ATTEMPTS; attempt++) {
      clock.advance(Duration.ofHours(11));
      final int expected = attempt;
      await("attempt " + attempt, () -> receivedFor("wamid.dead").size() == expected);
      awaitRecorded(subscription.id(), "wamid.dead", attempt);
    }
    await(
        "a dead letter",
        () -> {
          try {
            return queue.inState(subscription.id(), "dead", 0, 10).size() == 1;
          } catch (Exception failed) {
            return false;
          }
        });
    clock.advance(Duration.ofHours(11));
    Thread.sleep(300);
    assertThat(receivedFor("wamid.dead")).hasSize(RetrySchedule.ATTEMPTS);
    final OutboundQueue.Attempted dead = queue.inState(subscription.id(), "dead", 0, 10).get(0);
    assertThat(dead.attempts()).isEqualTo(RetrySchedule.ATTEMPTS);
    assertThat(dead.lastStatus()).isEqualTo(500);
    assertThat(subscriptions.find(subscription.id()).orElseThrow().deadLetters()).isEqualTo(1);

    receiver.answer(request -> TestReceiver.Answer.of(200));
    assertThat(queue.replay(subscription.id(), dead.seq(), clock.instant())).isTrue();
    forwarder.wake();
    await(
        "the replayed delivery",
        () -> receivedFor("wamid.dead").size() == RetrySchedule.ATTEMPTS + 1);
    assertThat(receivedFor("wamid.dead"))
        .extracting(TestReceiver.Received::id)
        .containsOnly(Long.toString(dead.seq()));
    await(
        "no dead letter left",
        () -> {
          try {
            return subscriptions.find(subscription.id()).orElseThrow().deadLetters() == 0;
          } catch (Exception failed) {
            return false;
          }
        });
  }

  @Test
  void a410DisablesTheSubscriptionUntilItIsResumed() throws Exception {
    final WebhookSubscription subscription = subscribe(List.of("message.created"));
    receiver.answer(request -> TestReceiver.Answer.of(410));
    post("wamid.gone", 1);
    await(
        "disabled",
        () -> {
          try {
            return subscriptions.find(subscription.id()).orElseThrow().state().equals("disabled");
          } catch (Exception failed) {
            return false;
          }
        });
    assertThat(subscriptions.find(subscription.id()).orElseThrow().stateReason()).contains("410");
    post("wamid.while-disabled", 2);
    clock.advance(Duration.ofHours(1));
    Thread.sleep(500);
    assertThat(receiver.received()).hasSize(1);

    receiver.answer(request -> TestReceiver.Answer.of(200));
    subscriptions.change(
        subscription.id(),
        new Subscriptions.Change(null, null, null, null, "active", null, false),
        clock.instant());
    forwarder.wake();
    await("both delivered after the resume", () -> receiver.received().size() == 3);
    assertThat(receiver.received().stream().map(OutboundWebhooksIT::wamid))
        // two threads: no order between them
        .containsExactlyInAnyOrder("wamid.gone", "wamid.gone", "wamid.while-disabled");
  }

  @Test
  void aRotatedSecretSignsNextToTheNewOneForItsGracePeriod() throws Exception {
    final WebhookSubscription subscription = subscribe(List.of());
    final WebhookSubscription rotated =
        subscriptions
            .change(
                subscription.id(),
                new Subscriptions.Change(null, null, null, null, null, null, true),
                clock.instant())
            .orElseThrow();
    assertThat(rotated.secret()).isNotEqualTo(subscription.secret()).startsWith("whsec_");
    post("wamid.rotated", 1);
    await("delivered", () -> !receivedFor("wamid.rotated").isEmpty());
    final TestReceiver.Received during = receivedFor("wamid.rotated").get(0);
    assertThat(during.signature().split(" ")).hasSize(2);
    assertThat(TestReceiver.signedWith(during, rotated.secret())).isTrue();
    assertThat(TestReceiver.signedWith(during, subscription.secret())).isTrue();

    clock.advance(Subscriptions.ROTATION_GRACE.plusMinutes(1));
    post("wamid.after-grace", 2);
    await("delivered", () -> !receivedFor("wamid.after-grace").isEmpty());
    final TestReceiver.Received after = receivedFor("wamid.after-grace").get(0);
    assertThat(after.signature().split(" ")).hasSize(1);
    assertThat(TestReceiver.signedWith(after, rotated.secret())).isTrue();
    assertThat(TestReceiver.signedWith(after, subscription.secret())).isFalse();
  }

  @Test
  void aSubscriptionFailingForFiveDaysIsDisabledAndSaysSo() throws Exception {
    final WebhookSubscription subscription = subscribe(List.of("message.created"));
    receiver.answer(request -> TestReceiver.Answer.of(500));
    post("wamid.day0", 1);
    await("failing", () -> receivedFor("wamid.day0").size() == 2);
    awaitRecorded(subscription.id(), "wamid.day0", 2);
    clock.advance(Duration.ofDays(3));
    post("wamid.day3", 2);
    await("still failing", () -> receivedFor("wamid.day3").size() == 2);
    awaitRecorded(subscription.id(), "wamid.day3", 2);
    assertThat(subscriptions.find(subscription.id()).orElseThrow().state()).isEqualTo("active");
    clock.advance(Duration.ofDays(2).plusHours(1));
    post("wamid.day5", 3);
    await(
        "disabled after 5 days without a delivery",
        () -> {
          try {
            return subscriptions.find(subscription.id()).orElseThrow().state().equals("disabled");
          } catch (Exception failed) {
            return false;
          }
        });
    assertThat(subscriptions.find(subscription.id()).orElseThrow().stateReason())
        .isEqualTo("no delivery succeeded for 5 days");
  }

  @Test
  void aTargetThatHangsCostsItsOwnSubscriptionOnly() throws Exception {
    try (TestReceiver hanging = new TestReceiver()) {
      hanging.answer(
          request -> {
            try {
              Thread.sleep(5_000); // longer than the test waits; the timeout is 2 s
            } catch (InterruptedException stopping) {
              Thread.currentThread().interrupt();
            }
            return TestReceiver.Answer.of(200);
          });
      subscriptions.create(
          new Subscriptions.NewSubscription(
              hanging.url(), "hangs", List.of("message.created"), List.of(), null),
          clock.instant());
      subscribe(List.of("message.created"));
      final long started = System.nanoTime();
      for (int n = 0; n < 20; n++) {
        post("wamid.hang." + n, n);
      }
      await("the healthy subscription got every event", () -> receiver.received().size() == 20);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      // the hanging target holds at most its in-flight share of connections
      assertThat(hanging.received().size()).isLessThanOrEqualTo(32);
    }
  }

  @Test
  void theRetentionKeepsAChangeUntilItReachedTheSubscription() throws Exception {
    final WebhookSubscription subscription = subscribe(List.of("message.created"));
    receiver.answer(request -> TestReceiver.Answer.of(500));
    post("wamid.kept", 1);
    await("failing", () -> receivedFor("wamid.kept").size() == 2);
    awaitRecorded(subscription.id(), "wamid.kept", 2);
    final ChangeLog log = new ChangeLog(dataPath.storage().store());
    final long seq = Long.parseLong(receivedFor("wamid.kept").get(0).id());

    // everything is older than the cutoff; the undelivered change and all after it stay
    log.deleteBefore(Instant.now().plusSeconds(60), 10_000);
    assertThat(log.horizon()).isEqualTo(seq - 1);
    assertThat(log.bySeq(List.of(seq))).containsKey(seq);

    receiver.answer(request -> TestReceiver.Answer.of(200));
    clock.advance(Duration.ofSeconds(6));
    await("delivered", () -> receivedFor("wamid.kept").size() == 3);
    awaitRecorded(subscription.id(), "wamid.kept", 3);
    log.deleteBefore(Instant.now().plusSeconds(60), 10_000);
    assertThat(log.bySeq(List.of(seq))).isEmpty();
  }

  @Test
  void aReceiverBackFromAnOutageGetsEveryWaitingRetryAtOnce() throws Exception {
    final WebhookSubscription subscription = subscribe(List.of("message.created"));
    receiver.answer(request -> TestReceiver.Answer.of(503));
    post("wamid.down.1", 1);
    post("wamid.down.2", 2);
    for (final String wamid : List.of("wamid.down.1", "wamid.down.2")) {
      await("two attempts of " + wamid, () -> receivedFor(wamid).size() == 2);
      awaitRecorded(subscription.id(), wamid, 2);
    }
    clock.advance(Duration.ofSeconds(5));
    for (final String wamid : List.of("wamid.down.1", "wamid.down.2")) {
      await("the third attempt of " + wamid, () -> receivedFor(wamid).size() == 3);
      awaitRecorded(subscription.id(), wamid, 3);
    }

    // down for two minutes by the subscription's clock; the next attempts are 5 min away
    clock.advance(Duration.ofMinutes(2));
    receiver.answer(request -> TestReceiver.Answer.of(200));
    post("wamid.back", 3);
    await("the new event", () -> receivedFor("wamid.back").size() == 1);
    for (final String wamid : List.of("wamid.down.1", "wamid.down.2")) {
      await("the waiting retry of " + wamid + " at once", () -> receivedFor(wamid).size() == 4);
      assertThat(receivedFor(wamid))
          .extracting(TestReceiver.Received::id)
          .containsOnly(receivedFor(wamid).get(0).id());
    }
    await(
        "the failing spell over",
        () -> {
          try {
            final WebhookSubscription now = subscriptions.find(subscription.id()).orElseThrow();
            return now.failingSince() == null && now.delivered() == 3;
          } catch (Exception failed) {
            return false;
          }
        });
  }
}
