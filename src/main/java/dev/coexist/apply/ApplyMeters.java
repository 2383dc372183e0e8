package dev.coexist.apply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the apply transactions count: entries, messages, problems, work undone, their times. */
final class ApplyMeters {
  private final long bigBytes;
  private final Counter appliedEntries;
  private final Counter failedEntries;
  private final Counter appliedMessages;
  private final Counter problems;
  private final Counter undoneBig;
  private final Counter undoneSmall;
  private final Timer transactions;

  /**
   * @param bigBytes an entry this big counts as a history chunk's size when undone
   */
  ApplyMeters(final MeterRegistry meters, final long bigBytes) {
    this.bigBytes = bigBytes;
    this.appliedEntries = entries(meters, "applied", "Journal entries applied to the store");
    this.failedEntries = entries(meters, "failed", "Journal entries that could not be applied");
    this.appliedMessages =
        Counter.builder("coexist.store.messages")
            .description("Messages written to the store (a message seen twice counts twice)")
            .register(meters);
    this.problems =
        Counter.builder("coexist.store.problems")
            .description("Items recorded in journal_problems instead of being applied")
            .register(meters);
    this.undoneBig = undone(meters, "big");
    this.undoneSmall = undone(meters, "small");
    this.transactions =
        Timer.builder("coexist.store.transaction")
            .description("Apply transactions, from first write to commit")
            .publishPercentileHistogram()
            .register(meters);
  }

  private static Counter undone(final MeterRegistry meters, final String size) {
    return Counter.builder("coexist.store.undone")
        .description(
            "Journal entries an apply transaction wrote, or began to, and rolled back (they are"
                + " applied again): work done twice; big = a history chunk's size")
        .tag("size", size)
        .register(meters);
  }

  private static Counter entries(
      final MeterRegistry meters, final String outcome, final String description) {
    return Counter.builder("coexist.store.entries")
        .tag("outcome", outcome)
        .description(description)
        .register(meters);
  }

  /** The entries were written, or begun to be, and rolled back. */
  void undone(final List<Work> batch) {
    for (final Work work : batch) {
      (work.entry().body().length >= bigBytes ? undoneBig : undoneSmall).increment();
    }
  }

  /** A transaction of entries committed. */
  void committed(final ApplyTally tally, final long nanos) {
    transactions.record(nanos, TimeUnit.NANOSECONDS);
    appliedEntries.increment(tally.entriesApplied());
    failedEntries.increment(tally.entriesFailed());
    appliedMessages.increment(tally.messages());
    problems.increment(tally.problems());
  }

  /** A part of a history chunk committed. */
  void partCommitted(final int messages, final long nanos) {
    transactions.record(nanos, TimeUnit.NANOSECONDS);
    appliedMessages.increment(messages);
  }

  /** An entry set aside as failed on its own. */
  void failed() {
    failedEntries.increment();
  }
}
