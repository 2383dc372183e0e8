package dev.coexist.apply;

import dev.coexist.journal.PendingEntry;
import java.util.ArrayList;
import java.util.List;

/** What one apply transaction did, for its metrics and its changes. */
final class ApplyTally {
  private final List<StoreChange> changed = new ArrayList<>();
  private int applied;
  private int failed;
  private int messages;
  private int problems;

  void applied(final PendingEntry entry, final DeliveryApplier.Applied result) {
    changed.addAll(result.changes());
    applied++;
    messages += result.messages();
    problems += result.problems();
  }

  void failed(final PendingEntry entry, final String error) {
    changed.add(StoreChange.failed(entry.id(), error));
    failed++;
  }

  List<StoreChange> changes() {
    return changed;
  }

  int entriesApplied() {
    return applied;
  }

  int entriesFailed() {
    return failed;
  }

  int messages() {
    return messages;
  }

  int problems() {
    return problems;
  }

  void clear() {
    changed.clear();
    applied = 0;
    failed = 0;
    messages = 0;
    problems = 0;
  }
}
