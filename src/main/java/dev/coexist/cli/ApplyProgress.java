package dev.coexist.cli;

import dev.coexist.journal.Journal;
import dev.coexist.store.Processor;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/** Applies every pending journal entry and shows how far it is on a progress bar. */
final class ApplyProgress {
  private static final long REDRAW_MILLIS = 200;

  private ApplyProgress() {}

  static void drain(
      final Journal journal,
      final Processor processor,
      final PrintWriter terminal,
      final String label)
      throws SQLException, InterruptedException {
    final long pending = journal.pendingEntriesNow();
    final ProgressBar bar = new ProgressBar(terminal, label, pending);
    final CompletableFuture<Integer> applying = CompletableFuture.supplyAsync(processor::drain);
    while (!applying.isDone()) {
      bar.show(pending - journal.pendingEntriesNow());
      Thread.sleep(REDRAW_MILLIS);
    }
    applying.join();
    bar.finish(pending - journal.pendingEntriesNow());
  }
}
