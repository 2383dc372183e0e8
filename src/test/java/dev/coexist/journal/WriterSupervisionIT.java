package dev.coexist.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Error on the journal writer's thread (thrown here by its after-commit listener, as an
 * OutOfMemoryError could be anywhere in a turn) never leaves it half alive: once, and the writer
 * goes on; on every turn, and it stops, says so, and refuses deliveries at once.
 */
class WriterSupervisionIT {
  @TempDir Path folder;

  private static Delivery delivery(final int number) {
    final byte[] body =
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + number + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    return new Delivery(
        System.currentTimeMillis(), "whatsapp", "{}", body, "sha-" + number, null, null);
  }

  @Test
  void oneErrorIsSurvivedAndARecurringOneStopsTheWriterVisibly() throws Exception {
    final AtomicInteger errorsToThrow = new AtomicInteger(1);
    try (Storage storage = Engines.open(Engine.SQLITE, folder);
        Journal journal =
            new Journal(
                storage.journal(),
                64,
                Duration.ZERO,
                1L << 30,
                new SimpleMeterRegistry(),
                () -> {
                  if (errorsToThrow.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    throw new OutOfMemoryError("thrown by the test");
                  }
                })) {
      assertThat(journal.append(delivery(1)).get(5, TimeUnit.SECONDS).outcome())
          .isEqualTo(Receipt.Outcome.ACCEPTED);
      assertThat(journal.append(delivery(2)).get(5, TimeUnit.SECONDS).outcome())
          .isEqualTo(Receipt.Outcome.ACCEPTED);
      assertThat(journal.writerRunning()).isTrue();
      assertThat(journal.availability().writable()).isTrue();

      errorsToThrow.set(Integer.MAX_VALUE);
      for (int number = 3; number < 20 && journal.writerRunning(); number++) {
        try {
          journal.append(delivery(number)).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException refused) {
          assertThat(refused).hasCauseInstanceOf(JournalUnavailableException.class);
        }
      }
      assertThat(journal.writerRunning()).isFalse();
      assertThat(journal.availability().writable()).isFalse();
      assertThat(journal.availability().reason()).contains("the journal writer stopped");
      assertThatThrownBy(() -> journal.append(delivery(99)).get(1, TimeUnit.SECONDS))
          .hasCauseInstanceOf(JournalUnavailableException.class)
          .hasMessageContaining("the journal writer stopped");
    }
  }
}
