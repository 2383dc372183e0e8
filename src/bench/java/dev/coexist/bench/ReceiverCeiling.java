package dev.coexist.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;

/**
 * The ceiling of {@code bench forward}: the same {@link WebhookReceiver} fed directly, with no
 * Coexist in between, by keep-alive connections that each post the next signed event as soon as the
 * last was answered. What it accepts per second is the most any forwarder could deliver to it on
 * this machine.
 */
final class ReceiverCeiling {

  /** Distinct signed events the connections cycle through (signed before the clock starts). */
  private static final int EVENTS = 4_096;

  /** Threads the events spread over. */
  private static final int THREADS = 2_000;

  private static final int READ_TIMEOUT_MILLIS = 30_000;

  /**
   * What the receiver took.
   *
   * @param accepted requests answered 200 within the window
   * @param failed requests answered otherwise, or not at all
   * @param seconds the window
   * @param connections keep-alive connections the events went over
   */
  record Outcome(long accepted, long failed, double seconds, int connections, long badSignatures) {
    double eventsPerSecond() {
      return accepted / seconds;
    }
  }

  private ReceiverCeiling() {}

  static Outcome run(final Duration window, final int connections)
      throws IOException, InterruptedException {
    try (WebhookReceiver receiver = WebhookReceiver.start(1)) {
      final LoopbackEndpoint endpoint =
          new LoopbackEndpoint("receiver", receiver.port(), List.of());
      final List<SignedEvent> events = events(receiver.secret(0), endpoint);
      final AtomicLong next = new AtomicLong();
      final AtomicLong accepted = new AtomicLong();
      final AtomicLong failed = new AtomicLong();
      // a short warm-up (JIT of both sides), then the window
      load(endpoint, events, connections, Duration.ofSeconds(2), next, new AtomicLong(), failed);
      failed.set(0);
      final long started = System.nanoTime();
      load(endpoint, events, connections, window, next, accepted, failed);
      final double seconds = (System.nanoTime() - started) / 1e9;
      return new Outcome(
          accepted.get(), failed.get(), seconds, connections, receiver.badSignatures());
    }
  }

  /** One event, its head up to {@code Content-Length: } with its webhook headers, and its body. */
  private record SignedEvent(byte[] headPrefix, byte[] body) {}

  private static void load(
      final LoopbackEndpoint endpoint,
      final List<SignedEvent> events,
      final int connections,
      final Duration window,
      final AtomicLong next,
      final AtomicLong accepted,
      final AtomicLong failed)
      throws InterruptedException {
    final long until = System.nanoTime() + window.toNanos();
    final List<Thread> workers = new ArrayList<>();
    for (int worker = 0; worker < connections; worker++) {
      workers.add(
          Thread.ofVirtual()
              .name("bench-receiver-ceiling-" + worker)
              .start(
                  () -> {
                    try (HttpConnection connection =
                        new HttpConnection(endpoint.address(), READ_TIMEOUT_MILLIS)) {
                      // bounded: ends at the window's end
                      while (System.nanoTime() < until) {
                        final SignedEvent event =
                            events.get((int) (next.getAndIncrement() % events.size()));
                        try {
                          final int status =
                              connection.post(
                                  event.headPrefix(), event.body(), event.body().length);
                          if (status == 200 && System.nanoTime() < until) {
                            accepted.incrementAndGet();
                          } else if (status != 200) {
                            failed.incrementAndGet();
                          }
                        } catch (IOException broken) {
                          failed.incrementAndGet();
                          LockSupport.parkNanos(20_000_000L);
                        }
                      }
                    }
                  }));
    }
    for (final Thread worker : workers) {
      worker.join();
    }
  }

  /** Events shaped as Coexist sends {@code message.created}, each signed with {@code secret}. */
  private static List<SignedEvent> events(final String secret, final LoopbackEndpoint endpoint) {
    final Mac mac = WebhookSigning.mac(secret);
    final String timestamp = Long.toString(Instant.now().getEpochSecond());
    final String committed = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    final List<SignedEvent> events = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      final String id = Long.toString(1_000_000 + i);
      final byte[] body =
          ("{\"type\":\"message.created\",\"timestamp\":\""
                  + committed
                  + "\",\"data\":{\"phone_number_id\":\"107700000000"
                  + "%03d".formatted(i % 200)
                  + "\",\"thread_id\":"
                  + (i % THREADS + 1)
                  + ",\"wamid\":\"wamid.CEILING"
                  + id
                  + "\",\"direction\":\"inbound\",\"origin\":\"live\",\"type\":\"text\",\"text\":\""
                  + WebhookPayloads.text(160, i)
                  + "\",\"sent_at\":\""
                  + committed
                  + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
      final String head =
          "POST "
              + WebhookReceiver.PATH
              + "0 HTTP/1.1\r\nHost: "
              + LoopbackEndpoint.LOOPBACK
              + ":"
              + endpoint.port()
              + "\r\nUser-Agent: coexist-bench\r\nContent-Type: application/json\r\nwebhook-id: "
              + id
              + "\r\nwebhook-timestamp: "
              + timestamp
              + "\r\nwebhook-signature: "
              + WebhookSigning.sign(mac, id, timestamp, body)
              + "\r\nContent-Length: ";
      events.add(new SignedEvent(head.getBytes(StandardCharsets.ISO_8859_1), body));
    }
    return events;
  }
}
