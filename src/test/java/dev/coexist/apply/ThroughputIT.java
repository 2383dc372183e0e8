package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A large history import, journal to store, in chunks of 1,000 messages: every message lands. The
 * rate is logged for orientation only; speed targets are measured by benchmarks, not asserted in
 * tests that a busy machine would fail.
 */
class ThroughputIT {
  private static final Logger LOG = LoggerFactory.getLogger(ThroughputIT.class);
  private static final int WARM_UP_CHUNKS = 10;
  private static final int CHUNKS = 60;
  private static final int THREADS_PER_CHUNK = 20;
  private static final int MESSAGES_PER_THREAD = 50;

  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void historyChunksOfAThousandMessages(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      // warm-up: class loading, JIT, prepared statements
      for (int chunk = 0; chunk < WARM_UP_CHUNKS; chunk++) {
        store.append(ChunkBodies.chunk(0, chunk, 1, THREADS_PER_CHUNK, MESSAGES_PER_THREAD));
      }
      store.processor.drain();
      for (int chunk = 1; chunk <= CHUNKS; chunk++) {
        store.append(ChunkBodies.chunk(1, chunk, chunk, THREADS_PER_CHUNK, MESSAGES_PER_THREAD));
      }
      final long started = System.nanoTime();
      store.processor.drain();
      final double seconds = (System.nanoTime() - started) / 1e9;
      final long messages = (long) CHUNKS * THREADS_PER_CHUNK * MESSAGES_PER_THREAD;
      final double rate = messages / seconds;
      LOG.info(
          "{}: {} history messages journal -> store in {} s: {} messages/s",
          engine,
          messages,
          String.format("%.2f", seconds),
          String.format("%.0f", rate));
      System.out.printf("THROUGHPUT %s %.0f messages/s%n", engine, rate);
      assertThat(store.count("messages"))
          .isEqualTo(messages + WARM_UP_CHUNKS * THREADS_PER_CHUNK * MESSAGES_PER_THREAD);
    }
  }
}
