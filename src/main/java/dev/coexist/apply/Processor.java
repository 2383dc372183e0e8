package dev.coexist.apply;

import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.PendingEntry;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies pending journal entries to the store, asynchronously, lane by lane (a lane is a partition
 * of the journal by phone number, see {@link Lanes}): in journal order within a lane, so in order
 * per phone number, with the lanes taking turns ({@link LaneScheduler}) so that one number's
 * history import does not hold up another number's live messages. Big reads decode ahead on a
 * thread of their own ({@link Decoding}); entries are applied in transactions of bounded size
 * ({@link ApplyTransactions}); thread figures are brought up to date between them ({@link
 * ThreadRefresher}). On PostgreSQL several processors and nodes share the work: each apply
 * transaction first takes its lane's row, and a lane another node holds is left to that node.
 *
 * <p>It notices new entries when {@link #wake()} is called (after each journal commit) and, as a
 * safety net, by polling every {@link ProcessorSettings#pollInterval()}.
 */
public final class Processor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Processor.class);

  private final Database database;
  private final ProcessorSettings settings;
  private final ApplySession session;
  private final Decoding decoding;
  private final LaneScheduler lanes;
  private final ApplyTransactions transactions;
  private final ThreadRefresher refresher;
  private final Consumer<StoreChange> changes;
  private final ReentrantLock applying = new ReentrantLock();
  private final Wakeups wakeups = new Wakeups();
  private final Thread thread;
  private volatile boolean closing;
  // per lane, the last entry the current step read (applied or not); see applyAll
  private long[] readUpTo = new long[Lanes.COUNT];

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
    this.session = new ApplySession(database);
    final JournalQueue queue = new JournalQueue(database.engine());
    this.decoding = new Decoding(settings.claimBytes(), wakeups::signal, meters);
    this.lanes = new LaneScheduler(queue, claims, settings, decoding, meters);
    this.transactions =
        new ApplyTransactions(database, session, queue, lanes, settings, this::publish, meters);
    this.refresher =
        new ThreadRefresher(database, session, settings, wakeups::lastWakeNanos, this::publish);
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

  private boolean awaitWake(final long millis) {
    final boolean woken = wakeups.awaitWake(millis);
    closing |= wakeups.interrupted();
    return woken;
  }

  private void pause(final Duration duration) {
    wakeups.pause(duration.toMillis());
    closing |= wakeups.interrupted();
  }

  /**
   * Applies every pending entry on the calling thread and returns how many entries it handled
   * (applied or failed). For tests, imports and benchmarks; safe next to the running thread.
   */
  public int drain() {
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
      }
    }
    applying.lock();
    try {
      session.discard();
    } finally {
      applying.unlock();
    }
  }

  private Duration longer(final Duration retry) {
    final Duration doubled = retry.multipliedBy(2);
    return doubled.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : doubled;
  }

  /**
   * Applies pending entries until none is left; behind big entries (history chunks) the next read
   * is decoded on the decoder thread while the current one is written.
   */
  private Outcome step() {
    applying.lock();
    try {
      readUpTo = new long[Lanes.COUNT];
      final List<PendingEntry> batch = readNext(readUpTo, -1);
      if (batch == null) {
        return Outcome.REFUSED;
      }
      if (batch.isEmpty()) {
        return refresher.whenQuiet();
      }
      Future<List<Work>> decodingNow = decoding.ahead(batch);
      List<PendingEntry> decodingEntries = batch;
      int handled = 0;
      while (true) {
        final Outcome meanwhile =
            othersWhileDecoding(decodingNow, readUpTo, decodingEntries.get(0).lane());
        if (meanwhile instanceof Outcome.Refused) {
          decodingNow.cancel(true);
          return meanwhile.after(handled);
        }
        handled += meanwhile.handled();
        final List<Work> work = Decoding.await(decodingNow);
        // read ahead: the next entries decode while these are written; not behind small entries
        // (live traffic), whose decoding takes less than the read, which would delay their apply
        final List<PendingEntry> next =
            closing || !decoding.isBig(decodingEntries) ? List.of() : readNext(readUpTo, -1);
        decodingNow = next == null || next.isEmpty() ? null : decoding.ahead(next);
        if (decodingNow != null) {
          decodingEntries = next;
        }
        final int lane = work.get(0).entry().lane();
        // other lanes may go between the parts of a big chunk unless the read-ahead is another
        // lane's: its entries must be applied before that lane's later ones
        final boolean othersBetweenParts =
            next == null || next.isEmpty() || next.get(0).lane() == lane;
        Outcome done = applyAll(work, othersBetweenParts ? readUpTo : null);
        if (decodingNow == null || next.get(0).lane() != lane) {
          lanes.release(lane); // nothing read from it waits any more
        }
        if (done instanceof Outcome.Handled && decodingNow != null && !closing) {
          if (next.get(0).lane() != lane) {
            // after a history chunk, another lane's turn comes first, without a rest before it
            if (!transactions.lastTransactionWasBulk()) {
              yieldToIngest(transactions.lastTransactionNanos());
            }
          } else {
            // The lane read ahead keeps its turn only when no other lane is waiting: a live
            // message of another number that arrived meanwhile goes first, instead of after one
            // more chunk; so it does once more after the rest.
            final long took = transactions.lastTransactionNanos();
            done = otherLanes(readUpTo, lane).after(done.handled());
            if (done instanceof Outcome.Handled) {
              done = restUnlessAnotherLaneWaits(took, readUpTo, lane).after(done.handled());
            }
          }
        }
        if (done instanceof Outcome.Refused) {
          if (decodingNow != null) {
            decodingNow.cancel(true);
          }
          return done.after(handled);
        }
        handled += done.handled();
        if (decodingNow == null) {
          return new Outcome.Handled(handled);
        }
      }
    } finally {
      lanes.releaseAll();
      applying.unlock();
    }
  }

  /**
   * Waits for the entries of {@code lane} being decoded (a history chunk takes a while on a busy
   * machine), applying meanwhile what other lanes get journalled: a live message does not wait for
   * the decoding of another number's chunk. Every entry read so far but not applied is of {@code
   * lane}, so the other lanes' order holds.
   */
  private Outcome othersWhileDecoding(
      final Future<List<Work>> decodingNow, final long[] readUpTo, final int lane) {
    int done = 0;
    while (!decodingNow.isDone() && !closing) {
      // decoding signals when done; the millisecond bounds a signal that came between the check
      // and the wait
      if (awaitWake(1)) {
        final Outcome others = otherLanes(readUpTo, lane);
        if (others instanceof Outcome.Refused) {
          return others;
        }
        done += others.handled();
      }
    }
    return new Outcome.Handled(done);
  }

  /** Applies the waiting entries of any lane but {@code lane}, if there are some. */
  private Outcome otherLanes(final long[] readUpTo, final int lane) {
    final List<PendingEntry> other = readNext(readUpTo, lane);
    if (other == null) {
      return Outcome.REFUSED;
    }
    if (other.isEmpty()) {
      return Outcome.NOTHING;
    }
    final Outcome done = applyAll(decoding.all(other), null);
    lanes.release(other.get(0).lane());
    return done;
  }

  /** The next entries to apply (see LaneScheduler.next); null when the journal cannot be read. */
  private List<PendingEntry> readNext(final long[] readUpTo, final int skipLane) {
    try {
      return lanes.next(session.get(), readUpTo, skipLane, transactions.entriesPerTransaction());
    } catch (SQLException unreadable) {
      LOG.warn("Cannot read the journal, retrying: {}", unreadable.getMessage());
      session.discard();
      return null;
    }
  }

  /**
   * Applies decoded entries in transactions of bounded size.
   *
   * @param readUpTo when not null, a big history chunk is written a part at a time while deliveries
   *     arrive, and the waiting entries of other lanes are applied between two parts
   */
  private Outcome applyAll(final List<Work> work, final long[] readUpTo) {
    int handled = 0;
    int from = 0;
    while (from < work.size()) {
      int to = from;
      int messages = 0;
      while (to < work.size()
          && to - from < transactions.entriesPerTransaction()
          && (to == from
              || messages + work.get(to).messages() <= settings.messagesPerTransaction())) {
        messages += work.get(to).messages();
        to++;
      }
      List<Work> batch = work.subList(from, to);
      if (readUpTo != null && batch.size() == 1) {
        final Outcome parts = leadingParts(batch.get(0), readUpTo);
        if (!(parts instanceof Outcome.Handled written)) {
          // another node applies this lane (the rest of this read is its work too), or refused
          return parts.after(handled);
        }
        if (written.count() > 0) {
          batch = List.of(batch.get(0).startingAt(written.count()));
        }
      }
      final Outcome done = transactions.apply(batch);
      if (!(done instanceof Outcome.Handled)) {
        // the rest of this read is not applied: the lane's next read in this step starts again
        // from its position, so that it never reads past entries still to apply (each would be
        // read, decoded and then found not to be the lane's next)
        this.readUpTo[batch.get(0).entry().lane()] = 0;
        return done.after(handled);
      }
      refresher.ifDue();
      handled += done.handled();
      from = to;
    }
    return new Outcome.Handled(handled);
  }

  /**
   * While deliveries arrive (SQLite), writes a big history chunk's threads a part of {@link
   * ProcessorSettings#messagesPerPart()} messages at a time, each part in its own transaction, and
   * applies the entries other lanes have waiting between two parts: a live message of another
   * number then waits for one part, not for the whole chunk. The last part goes with the chunk's
   * own transaction, which counts the chunk and records it applied; until then the entry stays
   * pending and, after a crash, is applied again whole (every write is an upsert). With nobody
   * waiting (a backlog, a replay) a chunk is one transaction: fewer commits, faster import.
   *
   * <p>Handled with the thread the chunk's own transaction starts from (0: no part was written),
   * {@link Outcome#LANE_TAKEN}, or {@link Outcome#REFUSED}.
   */
  private Outcome leadingParts(final Work work, final long[] readUpTo) {
    final HistoryChunk chunk =
        work.error() == null
            ? DeliveryApplier.partableChunk(work.decoded(), settings.messagesPerPart())
            : null;
    if (chunk == null) {
      return Outcome.NOTHING;
    }
    final int lane = work.entry().lane();
    int from = 0;
    while (!closing && deliveriesArriving()) {
      int to = from;
      int messages = 0;
      while (to < chunk.threads().size()
          && (to == from
              || messages + chunk.threads().get(to).messages().size()
                  <= settings.messagesPerPart())) {
        messages += chunk.threads().get(to).messages().size();
        to++;
      }
      if (to >= chunk.threads().size()) {
        break; // the last part: the chunk's own transaction
      }
      final Outcome written = transactions.part(work, chunk, from, to);
      if (written instanceof Outcome.LaneTaken) {
        return written;
      }
      if (!(written instanceof Outcome.Handled)) {
        break; // not pending any more, or the part failed: the chunk's transaction decides
      }
      from = to;
      if (otherLanes(readUpTo, lane) instanceof Outcome.Refused) {
        return Outcome.REFUSED;
      }
    }
    return new Outcome.Handled(from);
  }

  /**
   * The rest of {@link #yieldToIngest} between two transactions of one lane's read-ahead (a history
   * import), cut short when a delivery of another lane is journalled meanwhile: that one is applied
   * at once instead of after the rest. Each journal commit wakes the processor; a wake that brought
   * nothing for another lane (the import's own next chunk) lets the rest go on.
   */
  private Outcome restUnlessAnotherLaneWaits(
      final long took, final long[] readUpTo, final int lane) {
    if (closing || !deliveriesArriving()) {
      return otherLanes(readUpTo, lane);
    }
    final long until = System.nanoTime() + Math.min(2 * took, settings.maxYield().toNanos());
    while (!closing) {
      final long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      if (awaitWake(Math.max(1, left / 1_000_000))) {
        final Outcome others = otherLanes(readUpTo, lane);
        if (!others.equals(Outcome.NOTHING)) {
          return others;
        }
      }
    }
    return otherLanes(readUpTo, lane);
  }

  /**
   * While deliveries are arriving, rest twice as long as the transaction took: on a small machine
   * the processor would otherwise take the CPU that acknowledging needs, and a sender waits for its
   * acknowledgement while nobody waits for the apply. Entries wait in the journal meanwhile (the
   * backlog shows in /health/ready and coexist_journal_backlog) and are applied when it is quiet.
   */
  private void yieldToIngest(final long took) {
    if (closing || !deliveriesArriving()) {
      return;
    }
    LockSupport.parkNanos(Math.min(2 * took, settings.maxYield().toNanos()));
  }

  /**
   * Whether deliveries were journalled within the ingest window (each journal commit wakes the
   * processor), on SQLite: there the processor writes history chunks a part at a time and rests
   * between its transactions. On PostgreSQL the other processor applies the other lanes meanwhile.
   */
  private boolean deliveriesArriving() {
    return database.engine() == Engine.SQLITE
        && System.nanoTime() - wakeups.lastWakeNanos() < settings.ingestActiveWindow().toNanos();
  }

  private void publish(final List<StoreChange> committed) {
    for (final StoreChange change : committed) {
      try {
        changes.accept(change);
      } catch (RuntimeException listenerFailed) {
        // a listener's trouble must never stop the queue
        LOG.warn("Publishing {} failed: {}", change.event(), listenerFailed.toString());
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
        session.discard();
      } finally {
        applying.unlock();
      }
    }
  }
}
