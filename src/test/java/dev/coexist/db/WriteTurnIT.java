package dev.coexist.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.testing.Engines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread that failed while it held SQLite's write turn (perhaps more than once, the turn is
 * reentrant) gives every turn back when its supervisor abandons them: the journal writer is not
 * locked out for good.
 */
class WriteTurnIT {
  @TempDir Path folder;

  @Test
  void abandonedTurnsLetOtherWritersIn() throws Exception {
    try (Storage storage = Engines.open(Engine.SQLITE, folder)) {
      final Database database = storage.journal();
      final CompletableFuture<Void> crashed =
          CompletableFuture.runAsync(
              () -> {
                database.beginWriteTurn(false);
                database.beginWriteTurn(false);
                // thrown here, no endWriteTurn: the supervisor's catch does this instead
                database.abandonWriteTurns();
              },
              runnable -> Thread.ofPlatform().start(runnable));
      crashed.get(5, TimeUnit.SECONDS);

      final CompletableFuture<Void> journal =
          CompletableFuture.runAsync(
              () -> {
                database.beginWriteTurn(true);
                database.endWriteTurn();
              },
              runnable -> Thread.ofPlatform().start(runnable));
      assertThat(journal).succeedsWithin(Duration.ofSeconds(2));
    }
  }
}
