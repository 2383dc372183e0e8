package dev.coexist.bench;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Live traffic during a history import: one client posts history chunks for one number as fast as
 * they are acknowledged, while another posts live inbound messages for a second number and times
 * each from its 200 until {@code GET /api/v1/messages/{wamid}} finds it. The same live loop with no
 * import, first, is the floor of the same run.
 */
final class LiveScenario {
  static final String IMPORT_NUMBER = "106540352240002";
  static final String LIVE_NUMBER = "106540352240003";
  private static final String WARMUP_NUMBER = "106540352240005";
  private static final int SENDERS = 8;

  record Outcome(String engine, Histogram quiet, Histogram duringImport, int chunks, int imports) {}

  private LiveScenario() {}

  static Outcome run(
      final String engine,
      final Path dataDir,
      final String databaseUrl,
      final HistoryChunks chunks,
      final int chunkCount,
      final int imports,
      final double liveRate,
      final int quietMessages)
      throws Exception {
    try (BenchApp app = BenchApp.start(dataDir, databaseUrl);
        FeedWatcher feed =
            new FeedWatcher(app.uri("/api/v1/events?types=message.created"), BenchApp.API_KEY)) {
      final long interval = (long) (1e9 / liveRate);
      // warm-up of the import path (JIT): a few chunks of another number, applied before anything
      // is measured
      final HistoryChunks warmup =
          new HistoryChunks(WARMUP_NUMBER, 100, chunks.messagesPerChunk() / 100, 1_000);
      importAll(app, warmup, 1, warmup.chunks(1, 10, chunk -> 0));
      // warm-up and floor: live messages with nothing else going on
      final Histogram quiet = histogram();
      int sequence = 0;
      for (int index = 0; index < quietMessages; index++) {
        final long latency = live(app, feed, sequence++);
        if (index >= quietMessages / 5) {
          quiet.recordValue(latency);
        }
        LockSupport.parkNanos(interval);
      }
      // Each import is a phase of its own (new wamids); the latency of every live message sent
      // during any of them is pooled, so that p99 rests on a few hundred messages, not on the one
      // or two slowest of a single import of a second or two.
      final Histogram during = histogram();
      for (int phase = 1; phase <= imports; phase++) {
        sequence =
            importWithLiveTraffic(app, feed, chunks, chunkCount, phase, interval, sequence, during);
      }
      return new Outcome(engine, quiet, during, chunkCount, imports);
    }
  }

  /** One import of {@code chunkCount} chunks with live senders; returns the next live sequence. */
  private static int importWithLiveTraffic(
      final BenchApp app,
      final FeedWatcher feed,
      final HistoryChunks chunks,
      final int chunkCount,
      final int phase,
      final long interval,
      final int sequence,
      final Histogram during)
      throws Exception {
    // made before the import starts: generating them is not the server's work
    final List<byte[]> bodies = chunks.chunks(phase, chunkCount, chunk -> chunk * 100 / chunkCount);
    final AtomicReference<Exception> importFailed = new AtomicReference<>();
    final Thread importer =
        Thread.ofPlatform()
            .name("bench-importer")
            .start(
                () -> {
                  try {
                    importAll(app, chunks, phase, bodies);
                  } catch (Exception failed) {
                    importFailed.set(failed);
                  }
                });
    // several senders, each waiting for its message to show before the next: the rate holds
    // even when one message takes long to show
    final List<Thread> senders = new ArrayList<>();
    final List<Histogram> perSender = new ArrayList<>();
    final AtomicReference<Exception> sendFailed = new AtomicReference<>();
    for (int sender = 0; sender < SENDERS; sender++) {
      final Histogram mine = histogram();
      perSender.add(mine);
      final int first = sequence + sender * 100_000;
      final long offset = interval * sender;
      senders.add(
          Thread.ofPlatform()
              .name("bench-live-" + sender)
              .start(
                  () -> {
                    try {
                      int next = first;
                      // spread over the interval, not all at the same instant
                      LockSupport.parkNanos(offset);
                      while (importer.isAlive()) {
                        final long started = System.nanoTime();
                        mine.recordValue(live(app, feed, next++));
                        LockSupport.parkNanos(
                            Math.max(0, interval * SENDERS - (System.nanoTime() - started)));
                      }
                    } catch (Exception failed) {
                      sendFailed.set(failed);
                    }
                  }));
    }
    importer.join();
    for (final Thread sender : senders) {
      sender.join();
    }
    if (importFailed.get() != null) {
      throw importFailed.get();
    }
    if (sendFailed.get() != null) {
      throw sendFailed.get();
    }
    perSender.forEach(during::add);
    return sequence + SENDERS * 100_000;
  }

  private static Histogram histogram() {
    return new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  }

  /** Posts the chunks, then waits until the last message of the last chunk can be read. */
  private static void importAll(
      final BenchApp app, final HistoryChunks chunks, final int phase, final List<byte[]> bodies)
      throws Exception {
    final int count = bodies.size();
    for (int chunk = 1; chunk <= count; chunk++) {
      final int status = app.post("/webhooks/360dialog", bodies.get(chunk - 1));
      if (status != 200) {
        throw new IllegalStateException("history chunk " + chunk + " got HTTP " + status);
      }
    }
    final String last = chunks.wamid(phase, count, chunks.messagesPerChunk() - 1);
    while (app.get("/api/v1/messages/" + last).statusCode() != 200) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /**
   * Posts one live message and returns microseconds from its 200 until the API shows it: the feed
   * says when it was applied, then one {@code GET /api/v1/messages/{wamid}} must find it (its time
   * counts too).
   */
  private static long live(final BenchApp app, final FeedWatcher feed, final int sequence)
      throws Exception {
    final String wamid = "wamid.LIVE" + LIVE_NUMBER + "." + sequence + "." + System.nanoTime();
    final CompletableFuture<Void> applied = feed.await(wamid);
    final int status = app.post("/webhooks/whatsapp", inbound(wamid, sequence));
    if (status != 200) {
      throw new IllegalStateException("live message got HTTP " + status);
    }
    final long acknowledged = System.nanoTime();
    applied.get(FeedWatcher.timeout().toSeconds(), TimeUnit.SECONDS);
    final HttpResponse<String> found = app.get("/api/v1/messages/" + wamid);
    if (found.statusCode() != 200) {
      throw new IllegalStateException(
          "the feed announced " + wamid + " but the API answered " + found.statusCode());
    }
    return Math.max(1, (System.nanoTime() - acknowledged) / 1_000);
  }

  private static byte[] inbound(final String wamid, final int sequence) {
    final String customer = "4477009%05d".formatted(sequence % 500);
    return ("""
        {"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[{"field":"messages",\
        "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550002222",\
        "phone_number_id":"%s"},"contacts":[{"profile":{"name":"Live %d"},"wa_id":"%s"}],\
        "messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text",\
        "text":{"body":"Live message %d while a history import runs"}}]}}]}]}"""
            .formatted(
                HistoryChunks.WABA_ID,
                LIVE_NUMBER,
                sequence,
                customer,
                customer,
                wamid,
                System.currentTimeMillis() / 1000,
                sequence))
        .getBytes(StandardCharsets.UTF_8);
  }
}
