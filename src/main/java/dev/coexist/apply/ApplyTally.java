package dev.coexist.apply;

import dev.coexist.journal.PendingEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * What one apply transaction did, for its metrics and its changes. An entry's changes are kept as
 * its list, not copied: the changes of held messages and statuses ({@link HeldMessages}, {@link
 * HeldStatuses}) are put in their places when they are written, after the entry was counted.
 */
final class ApplyTally {
  private final List<List<StoreChange>> changed = new ArrayList<>();
  private int applied;
  private int failed;
  private int messages;
  private int problems;

  void applied(final PendingEntry entry, final DeliveryApplier.Applied result) {
    changed.add(result.changes());
    applied++;
    messages += result.messages();
    problems += result.problems();
  }

  void failed(final PendingEntry entry, final String error) {
    changed.add(List.of(StoreChange.failed(entry.id(), error)));
    failed++;
  }

  /** The changes in the order they were made. */
  List<StoreChange> changes() {
    final List<StoreChange> all = new ArrayList<>();
    for (final List<StoreChange> entry : changed) {
      for (final StoreChange change : entry) {
        // a place a held status kept for the record of its message, which it did not make
        if (change != null) {
          all.add(change);
        }
      }
    }
    return all;
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
