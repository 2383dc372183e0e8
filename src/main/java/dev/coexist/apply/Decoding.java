package dev.coexist.apply;

import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.Decoder;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.NotAnEnvelopeException;
import dev.coexist.db.ThreadNiceness;
import dev.coexist.journal.PendingEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoding ahead: reads of big entries (history chunks) decode on a thread of their own while the
 * processor writes the previous ones; reads of small entries (live traffic) decode at once on the
 * processor's thread, which takes less time than handing them over when both cores are busy.
 */
final class Decoding implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Decoding.class);

  private final Decoder decoder = new Decoder();
  private final long bigBytes;
  private final Runnable whenDecoded;
  private final Counter decodes;
  private final ExecutorService thread;

  /**
   * @param bigBytes a read of at least this many bytes is big
   * @param nice the decoder thread's nice value (see {@link ProcessorSettings#nice()})
   * @param whenDecoded runs on the decoder thread when a big read is decoded (wakes the processor)
   */
  Decoding(
      final long bigBytes, final int nice, final Runnable whenDecoded, final MeterRegistry meters) {
    this.bigBytes = bigBytes;
    this.thread =
        Executors.newSingleThreadExecutor(
            task ->
                Thread.ofPlatform()
                    .name("store-decoder")
                    .daemon(true)
                    .unstarted(
                        () -> {
                          ThreadNiceness.apply(nice);
                          task.run();
                        }));
    this.whenDecoded = whenDecoded;
    this.decodes =
        Counter.builder("coexist.store.decodes")
            .description(
                "Journal entries decoded (an entry read again after a failed or lost turn counts"
                    + " again)")
            .register(meters);
  }

  /**
   * Whether a read holds an entry as big as a history chunk: only then is the next read decoded
   * behind it. Many small live entries can add up to a big read, and they must not be treated as an
   * import (read ahead, rested after): once the processor fell behind, its reads filled up to the
   * budget, counted as big, and it rested twice as long as it applied — and fell further behind.
   */
  boolean holdsBigEntry(final List<PendingEntry> entries) {
    for (final PendingEntry entry : entries) {
      if (entry.body().length >= bigBytes) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decodes a read that holds a big entry on the decoder thread, one of small entries at once (even
   * when they add up to a big read: many small entries decode in a few milliseconds, and a read of
   * several lanes must be applied before any of those lanes is read again).
   */
  Future<List<Work>> ahead(final List<PendingEntry> entries) {
    if (!holdsBigEntry(entries)) {
      return CompletableFuture.completedFuture(all(entries));
    }
    // done() runs once the result is set (or the task cancelled), so a woken processor finds the
    // future done
    final FutureTask<List<Work>> decoding =
        new FutureTask<>(() -> all(entries)) {
          @Override
          protected void done() {
            whenDecoded.run();
          }
        };
    thread.execute(decoding);
    return decoding;
  }

  List<Work> all(final List<PendingEntry> entries) {
    final List<Work> work = new ArrayList<>(entries.size());
    for (final PendingEntry entry : entries) {
      work.add(one(entry));
    }
    return work;
  }

  static List<Work> await(final Future<List<Work>> decoding) {
    try {
      return decoding.get();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while decoding", interrupted);
    } catch (ExecutionException failed) {
      // one() catches everything; this is a bug, not a bad delivery
      throw new IllegalStateException("decoding failed", failed.getCause());
    }
  }

  private Work one(final PendingEntry entry) {
    decodes.increment();
    try {
      final Decoded decoded = decoder.decode(entry.body());
      int messages = 0;
      for (final var event : decoded.events()) {
        messages += event instanceof HistoryChunk chunk ? chunk.messageCount() : 1;
      }
      return new Work(entry, decoded, MessageContents.of(decoded), null, messages);
    } catch (NotAnEnvelopeException notAnEnvelope) {
      return new Work(
          entry, null, Map.of(), "not a webhook envelope: " + notAnEnvelope.getMessage(), 1);
    } catch (RuntimeException unexpected) {
      LOG.error("Decoding journal entry {} failed unexpectedly", entry.id(), unexpected);
      return new Work(entry, null, Map.of(), "decoding failed: " + unexpected, 1);
    }
  }

  @Override
  public void close() {
    thread.shutdown();
  }
}
