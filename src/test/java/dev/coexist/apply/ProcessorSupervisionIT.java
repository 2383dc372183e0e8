package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.Journal;
import dev.coexist.store.JournalStates;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Error on the processor's thread (thrown here by its change listener, as an OutOfMemoryError
 * could be anywhere in a step) is survived: the thread goes on and later deliveries are applied,
 * instead of being acknowledged and never applied.
 */
class ProcessorSupervisionIT {
  @TempDir Path folder;

  private static long append(final Journal journal, final String fixture) throws Exception {
    final byte[] body = StoreHarness.fixture(fixture);
    final String sha256 =
        HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
    return journal
        .append(
            new Delivery(System.currentTimeMillis(), "whatsapp", "{}", body, sha256, null, null))
        .join()
        .id();
  }

  @Test
  void anErrorInAStepIsLoggedAndTheProcessorGoesOn() throws Exception {
    final AtomicBoolean throwOnce = new AtomicBoolean(true);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Storage storage = Engines.open(Engine.SQLITE, folder);
        Journal journal = new Journal(storage.journal(), 64, Duration.ZERO, 1L << 30, meters);
        Processor processor =
            new Processor(
                storage.store(),
                meters,
                Duration.ofMillis(20),
                1_000,
                change -> {
                  if (throwOnce.getAndSet(false)) {
                    throw new OutOfMemoryError("thrown by the test");
                  }
                })) {
      processor.start();
      final long first = append(journal, "meta/messages-text.json");
      waitUntilApplied(new JournalStates(storage.store(), meters), first);
      assertThat(throwOnce).isFalse();

      final long second = append(journal, "meta/echo-text.json");
      processor.wake();
      waitUntilApplied(new JournalStates(storage.store(), meters), second);
      assertThat(processor.running()).isTrue();
    }
  }

  private static void waitUntilApplied(final JournalStates journal, final long id)
      throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!"applied".equals(journal.summary(id).orElseThrow().state())
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(journal.summary(id).orElseThrow().state()).isEqualTo("applied");
  }
}
