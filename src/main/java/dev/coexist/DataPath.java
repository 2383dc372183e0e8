package dev.coexist;

import dev.coexist.apply.LaneClaims;
import dev.coexist.apply.Processor;
import dev.coexist.apply.ProcessorSettings;
import dev.coexist.apply.StoreChange;
import dev.coexist.config.Config;
import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import dev.coexist.journal.Journal;
import dev.coexist.store.JournalStates;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one way to open Coexist's data path, shared by {@code serve}, the CLI commands, the
 * benchmarks and the tests: settings → the journal's and the store's databases → the journal → the
 * processors (not started: {@link #start()} runs them on their threads, {@link #drain()} on the
 * caller's). Closed in reverse order.
 */
public final class DataPath implements AutoCloseable {
  /**
   * Everything the data path is opened with.
   *
   * @param busyTimeout how long a statement waits for a lock (SQLite) or a connection
   * @param poolSize pooled connections of the store's database (readers; PostgreSQL's writers too)
   * @param journalBatchMax the most deliveries in one journal commit
   * @param journalBatchWait how long the journal writer waits for more deliveries
   * @param journalQueueBytes the most body bytes waiting for the journal writer
   * @param pollInterval how often a processor looks for work nobody woke it for
   * @param messagesPerTransaction a transaction is committed once it holds this many messages
   * @param historyStallAfter {@code --history-stall-after}, for the history sync the change log's
   *     events show
   * @param lease how long a processor holds a lane it applies without renewing it ({@code
   *     --lease-timeout})
   * @param applyNice the nice value of the apply's threads ({@code --apply-nice})
   */
  public record Settings(
      String databaseUrl,
      Duration busyTimeout,
      int poolSize,
      int journalBatchMax,
      Duration journalBatchWait,
      long journalQueueBytes,
      Duration pollInterval,
      int messagesPerTransaction,
      Duration historyStallAfter,
      Duration lease,
      int applyNice) {

    // A processor is woken after every journal commit; the poll only catches what no wake
    // announced (entries another process journalled, a replay from the CLI).
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    // bounds a transaction of many small entries; a history chunk of more goes whole
    private static final int MESSAGES_PER_TRANSACTION = 1_000;

    /** What {@code coexist serve} configures. */
    public static Settings of(final Config config) {
      return new Settings(
          config.databaseUrl(),
          config.databaseBusyTimeout(),
          config.databasePoolSize(),
          config.journalBatchMax(),
          config.journalBatchWait(),
          config.journalQueueBytes(),
          POLL_INTERVAL,
          MESSAGES_PER_TRANSACTION,
          config.historyStallAfter(),
          config.leaseTimeout(),
          config.applyNice());
    }

    /** For a command that works on the store directly (replay, import, export, benchmarks). */
    public static Settings forTool(final String databaseUrl) {
      return new Settings(
          databaseUrl,
          Duration.ofSeconds(5),
          4,
          256,
          Duration.ZERO,
          256L << 20,
          POLL_INTERVAL,
          MESSAGES_PER_TRANSACTION,
          ProcessorSettings.HISTORY_STALL_AFTER,
          ProcessorSettings.LEASE,
          ProcessorSettings.NICE);
    }

    /** These settings with the configured {@code --history-stall-after}. */
    public Settings withHistoryStallAfter(final Duration stallAfter) {
      return with(pollInterval, messagesPerTransaction, stallAfter, lease);
    }

    /** These settings with another lease (a test's short one). */
    public Settings withLease(final Duration newLease) {
      return with(pollInterval, messagesPerTransaction, historyStallAfter, newLease);
    }

    public Settings withProcessing(
        final Duration newPollInterval, final int newMessagesPerTransaction) {
      return with(newPollInterval, newMessagesPerTransaction, historyStallAfter, lease);
    }

    private Settings with(
        final Duration newPollInterval,
        final int newMessagesPerTransaction,
        final Duration stallAfter,
        final Duration newLease) {
      return new Settings(
          databaseUrl,
          busyTimeout,
          poolSize,
          journalBatchMax,
          journalBatchWait,
          journalQueueBytes,
          newPollInterval,
          newMessagesPerTransaction,
          stallAfter,
          newLease,
          applyNice);
    }
  }

  private final Storage storage;
  private final Journal journal;
  private final JournalStates states;
  private final List<Processor> processors;

  private DataPath(
      final Storage storage,
      final Journal journal,
      final JournalStates states,
      final List<Processor> processors) {
    this.storage = storage;
    this.journal = journal;
    this.states = states;
    this.processors = processors;
  }

  /**
   * Opens the databases (schemas brought up to date), the journal and the processors.
   *
   * @param changes told what each apply commit changed (the live feed)
   */
  public static DataPath open(
      final Settings settings, final MeterRegistry meters, final Consumer<StoreChange> changes) {
    final Storage storage =
        Storage.open(settings.databaseUrl(), settings.busyTimeout(), settings.poolSize());
    try {
      // PostgreSQL takes concurrent writers: a second processor applies other lanes while the
      // first writes a history chunk (they share the lanes as nodes do). SQLite has one writer.
      final int count = storage.engine() == Engine.POSTGRESQL ? 2 : 1;
      final LaneClaims claims = new LaneClaims();
      final List<Processor> processors = new ArrayList<>(count);
      for (int index = 0; index < count; index++) {
        processors.add(
            new Processor(
                storage.store(),
                meters,
                ProcessorSettings.of(settings.pollInterval(), settings.messagesPerTransaction())
                    .withHistoryStallAfter(settings.historyStallAfter())
                    .withLease(settings.lease())
                    .withNice(settings.applyNice()),
                changes,
                claims));
      }
      final Journal journal =
          new Journal(
              storage.journal(),
              settings.journalBatchMax(),
              settings.journalBatchWait(),
              settings.journalQueueBytes(),
              meters,
              () -> processors.forEach(Processor::wake));
      return new DataPath(
          storage, journal, new JournalStates(storage.store(), meters), List.copyOf(processors));
    } catch (RuntimeException failed) {
      storage.close();
      throw failed;
    }
  }

  /** Runs the processors on their own threads. */
  public void start() {
    processors.forEach(Processor::start);
  }

  /** Applies every pending entry on the calling thread; returns how many entries it handled. */
  public int drain() {
    return processors.get(0).drain();
  }

  /** New entries (a replay): apply them now rather than at the next poll. */
  public void wake() {
    processors.forEach(Processor::wake);
  }

  public Storage storage() {
    return storage;
  }

  public Engine engine() {
    return storage.engine();
  }

  public Journal journal() {
    return journal;
  }

  public JournalStates states() {
    return states;
  }

  public List<Processor> processors() {
    return processors;
  }

  /**
   * Stops in order: the journal's last batch committed, the processors stopped after their current
   * transaction, then the databases closed.
   */
  @Override
  public void close() {
    journal.close();
    processors.forEach(Processor::close);
    storage.close();
  }
}
