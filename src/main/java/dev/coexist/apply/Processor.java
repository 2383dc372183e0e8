package dev.coexist.apply;

import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.db.ThreadNiceness;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies pending journal entries to the store, asynchronously, on a thread of its own: a loop of
 * {@link ApplyStep}s (lane by lane, in journal order within a lane, so in order per phone number),
 * idle until woken, backing off when the database refuses, and supervised: a step that throws is
 * rolled back and the loop goes on, until too many in a row stop it and readiness fails. On
 * PostgreSQL several processors and nodes share the work: each apply transaction first takes its
 * lane's row, and a lane another node holds is left to that node.
 *
 * <p>It notices new entries when {@link #wake()} is called (after each journal commit) and, as a
 * safety net, by polling every {@link ProcessorSettings#pollInterval()}.
 */
public final class Processor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Processor.class);

  private final Database database;
  private final ProcessorSettings settings;
  private final ApplySession session;
  private final LaneLeases leases;
  private final Decoding decoding;
  private final ApplyStep step;
  private final ThreadRefresher refresher;
  private final Consumer<StoreChange> changes;
  private final ReentrantLock applying = new ReentrantLock();
  private final Wakeups wakeups = new Wakeups();
  private final Thread thread;
  private volatile boolean closing;

  /**
   * @param changes told what each commit changed
   * @param claims shared by the processors of one node, so that they never read the same lane
   */
  public Processor(
      final Database database,
      final MeterRegistry meters,
      final ProcessorSettings settings,
      final Consumer<StoreChange> changes,
      final LaneClaims claims) {
    this.database = database;
    this.settings = settings;
    this.changes = changes;
    this.session = new ApplySession(database, settings.historyStallAfter(), settings.lease());
    final JournalQueue queue = new JournalQueue(database.engine());
    this.decoding = new Decoding(settings.claimBytes(), settings.nice(), wakeups::signal, meters);
    this.leases = new LaneLeases(database, claims, settings.lease());
    final LaneScheduler lanes = new LaneScheduler(queue, claims, settings, leases, meters);
    final ApplyTransactions transactions =
        new ApplyTransactions(database, session, queue, lanes, settings, this::publish, meters);
    this.refresher =
        new ThreadRefresher(
            database,
            session,
            settings,
            claims,
            () -> wakeups.wokenWithin(settings.ingestActiveWindow()),
            this::publish);
    this.step =
        new ApplyStep(
            database,
            settings,
            session,
            decoding,
            lanes,
            transactions,
            refresher,
            wakeups,
            () -> closing);
    this.thread = Thread.ofPlatform().name("store-processor").unstarted(this::run);
  }

  public Processor(
      final Database database,
      final MeterRegistry meters,
      final Duration pollInterval,
      final int messagesPerTransaction,
      final Consumer<StoreChange> changes,
      final LaneClaims claims) {
    this(
        database,
        meters,
        ProcessorSettings.of(pollInterval, messagesPerTransaction),
        changes,
        claims);
  }

  public Processor(
      final Database database,
      final MeterRegistry meters,
      final Duration pollInterval,
      final int messagesPerTransaction,
      final Consumer<StoreChange> changes) {
    this(database, meters, pollInterval, messagesPerTransaction, changes, new LaneClaims());
  }

  /** A processor with the defaults. */
  public Processor(final Database database, final MeterRegistry meters) {
    this(database, meters, ProcessorSettings.DEFAULTS, change -> {}, new LaneClaims());
  }

  /** The session settings of the processor's writer connection on this engine. */
  public static List<String> writerSetup(final Engine engine) {
    return Dialect.of(engine).writerSetup;
  }

  /** Its node's name in the leases of the lanes the node holds. */
  public String owner() {
    return leases.owner();
  }

  public void start() {
    thread.start();
  }

  /** False before start, after close, and once run() gave up after repeated crashes. */
  public boolean running() {
    return thread.isAlive();
  }

  /** New entries are waiting: apply them now instead of at the next poll. Cheap, never blocks. */
  public void wake() {
    wakeups.wake();
  }

  private void idle() {
    if (!closing) {
      wakeups.idle(settings.pollInterval().toMillis());
    }
    closing |= wakeups.interrupted();
  }

  private void pause(final Duration duration) {
    wakeups.pause(duration.toMillis());
    closing |= wakeups.interrupted();
  }

  /**
   * Applies every pending entry on the calling thread and returns how many entries it handled
   * (applied or failed), every thread's figures brought up to date. For tests, imports and
   * benchmarks; safe next to the running thread.
   */
  public int drain() {
    refresher.draining(true);
    try {
      return drainAll();
    } finally {
      refresher.draining(false);
    }
  }

  private int drainAll() {
    int handled = 0;
    int refusals = 0;
    while (!closing) {
      final Outcome step = step();
      if (step instanceof Outcome.Refreshed) {
        continue; // figures brought up to date: look again
      }
      if (step instanceof Outcome.Refused) {
        if (++refusals > settings.transactionTries() + 1) {
          return handled;
        }
        pause(Duration.ofMillis(50));
        continue;
      }
      if (step.handled() == 0) {
        return handled; // nothing pending (or the rest is another node's)
      }
      handled += step.handled();
      refusals = 0;
    }
    return handled;
  }

  private void run() {
    ThreadNiceness.apply(settings.nice());
    Duration retry = settings.pollInterval();
    // Supervision: an Error (OutOfMemoryError ...) or a bug thrown out of a step is logged, its
    // transaction rolled back (its entries stay pending) and the loop goes on after a pause. The
    // same in crashesMax steps in a row will not heal: the thread ends, running() turns false, and
    // readiness and liveness fail so that a supervisor restarts Coexist.
    int crashes = 0;
    while (!closing) {
      final Outcome step;
      try {
        step = step();
      } catch (Throwable crashed) {
        applying.lock();
        try {
          session.discard();
        } finally {
          applying.unlock();
        }
        database.abandonWriteTurns();
        if (++crashes >= settings.crashesMax()) {
          LOG.error(
              "Processor stopped after {} failures in a row; restart Coexist", crashes, crashed);
          break;
        }
        LOG.error("Processor failed, it goes on in {} ms: {}", retry.toMillis(), crashed, crashed);
        pause(retry);
        retry = longer(retry);
        continue;
      }
      crashes = 0;
      if (step instanceof Outcome.Refused) {
        // the database refused the transaction; back off, the entries stay pending
        pause(retry);
        retry = longer(retry);
      } else if (step.equals(Outcome.NOTHING)) {
        idle();
      } else {
        retry = settings.pollInterval();
        if (this.step.smallEntriesOnly() && step.handled() < settings.entriesPerGatheredRead()) {
          // caught up: let the next read gather more (ProcessorSettings.gatherPause)
          LockSupport.parkNanos(settings.gatherPause().toNanos());
        }
      }
    }
    applying.lock();
    try {
      releaseLeases();
      session.discard();
    } finally {
      applying.unlock();
    }
  }

  /**
   * A processor that stops hands its lanes back, so that another node (or the next start) need not
   * wait for the leases to run out; a killed one cannot, and its leases run out.
   */
  private void releaseLeases() {
    try {
      final WriteSession writer = session.get();
      writer.rollback();
      database.beginWriteTurn(false);
      try {
        leases.releaseAll(writer.connection());
      } finally {
        database.endWriteTurn();
      }
    } catch (SQLException | RuntimeException refused) {
      LOG.info("Lane leases not handed back, they run out by themselves: {}", refused.toString());
    }
  }

  private Duration longer(final Duration retry) {
    final Duration doubled = retry.multipliedBy(2);
    return doubled.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : doubled;
  }

  /** One step, never next to another one (drain may run beside the processor's thread). */
  private Outcome step() {
    applying.lock();
    try {
      return step.step();
    } finally {
      applying.unlock();
    }
  }

  private void publish(final List<StoreChange> committed) {
    for (final StoreChange change : committed) {
      try {
        changes.accept(change);
      } catch (RuntimeException listenerFailed) {
        // a listener's trouble must never stop the queue
        LOG.warn("Publishing {} failed: {}", change.type(), listenerFailed.toString());
      }
    }
  }

  /** Stops after the current transaction; pending entries stay pending for the next start. */
  @Override
  public void close() {
    closing = true;
    wake();
    decoding.close();
    if (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    } else {
      applying.lock();
      try {
        releaseLeases();
        session.discard();
      } finally {
        applying.unlock();
      }
    }
  }
}
