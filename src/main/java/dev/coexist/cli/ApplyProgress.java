package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.store.JournalStates;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/** Applies every pending journal entry and shows how far it is on a progress bar. */
final class ApplyProgress {
  private static final long REDRAW_MILLIS = 200;

  private ApplyProgress() {}

  static void drain(final DataPath dataPath, final PrintWriter terminal, final String label)
      throws SQLException, InterruptedException {
    final JournalStates journal = dataPath.states();
    final long pending = journal.pendingEntriesNow();
    final ProgressBar bar = new ProgressBar(terminal, label, pending);
    final CompletableFuture<Integer> applying = CompletableFuture.supplyAsync(dataPath::drain);
    while (!applying.isDone()) {
      bar.show(pending - journal.pendingEntriesNow());
      Thread.sleep(REDRAW_MILLIS);
    }
    applying.join();
    bar.finish(pending - journal.pendingEntriesNow());
  }
}
