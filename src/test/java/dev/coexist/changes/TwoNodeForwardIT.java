package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.DataPath;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL, both forwarding: a subscription is delivered by one node at a time
 * (its lease), so every event arrives once; when that node stops, the other takes the subscription
 * over once the lease has run out.
 */
class TwoNodeForwardIT {
  private static final Duration LEASE = Duration.ofSeconds(2);

  @TempDir Path folder;

  private final List<AutoCloseable> open = new ArrayList<>();

  private record Node(DataPath dataPath, Forwarder forwarder, Subscriptions subscriptions) {}

  private Node node(final String url) {
    final DataPath dataPath =
        DataPath.open(DataPath.Settings.forTool(url), new SimpleMeterRegistry(), change -> {});
    open.add(dataPath);
    final Subscriptions subscriptions = new Subscriptions(dataPath.storage().store());
    final Forwarder forwarder =
        new Forwarder(
            subscriptions,
            new OutboundQueue(dataPath.storage().store()),
            new ChangeLog(dataPath.storage().store()),
            new ForwarderSettings(
                Duration.ofMillis(50),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                16,
                LEASE,
                Duration.ofDays(5),
                Duration.ofMinutes(1),
                true),
            Clock.systemUTC(),
            () -> 0.5,
            new SimpleMeterRegistry());
    open.add(forwarder);
    forwarder.start();
    dataPath.start();
    return new Node(dataPath, forwarder, subscriptions);
  }

  @AfterEach
  void close() throws Exception {
    for (final AutoCloseable closeable : open.reversed()) {
      closeable.close();
    }
  }

  private static void post(final Node node, final int n) throws Exception {
    final byte[] body =
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Pablo"},"wa_id":"1650555%04d"}],
        "messages":[{"from":"1650555%04d","id":"wamid.nodes.%d","timestamp":"1740000000",
        "type":"text","text":{"body":"hello"}}]}}]}]}"""
            .formatted(n % 5, n % 5, n)
            .getBytes(StandardCharsets.UTF_8);
    final String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    node.dataPath()
        .journal()
        .append(new Delivery(System.currentTimeMillis(), "whatsapp", "{}", body, sha, null, null))
        .join();
  }

  private static void await(final String what, final BooleanSupplier done)
      throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void oneNodeAtATimeDeliversASubscriptionAndTheOtherTakesItOverWhenItStops() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    try (TestReceiver receiver = new TestReceiver()) {
      final Node a = node(url);
      final Node b = node(url);
      a.subscriptions()
          .create(
              new Subscriptions.NewSubscription(
                  receiver.url(), null, List.of("message.created"), List.of(), null),
              Clock.systemUTC().instant());
      for (int n = 0; n < 30; n++) {
        post(n % 2 == 0 ? a : b, n);
      }
      await("30 delivered", () -> receiver.received().size() >= 30);
      Thread.sleep(500);
      assertThat(receiver.received()).hasSize(30);
      assertThat(receiver.received().stream().map(TestReceiver.Received::id).distinct())
          .hasSize(30);

      // whichever node holds the lease stops; the other delivers once it has run out
      a.forwarder().close();
      b.forwarder().close();
      final Node c = node(url);
      final long stopped = System.nanoTime();
      for (int n = 30; n < 35; n++) {
        post(c, n);
      }
      await("the 5 later ones delivered by the new node", () -> receiver.received().size() >= 35);
      assertThat(Duration.ofNanos(System.nanoTime() - stopped))
          // a lease is renewed once a third of it has passed: at least two thirds were left
          .as("only once the stopped node's lease ran out")
          .isGreaterThanOrEqualTo(LEASE.multipliedBy(2).dividedBy(3).minusMillis(200));
      assertThat(receiver.received().stream().map(TestReceiver.Received::id).distinct())
          .hasSize(35);
    }
  }
}
