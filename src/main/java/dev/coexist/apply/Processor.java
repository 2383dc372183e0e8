package dev.coexist.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.Decoder;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.NotAnEnvelopeException;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.PendingEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies pending journal entries to the store, asynchronously, lane by lane (a lane is a partition
 * of the journal by phone number, see {@link Lanes}): in journal order within a lane, so in order
 * per phone number, with the lanes taking turns so that one number's history import does not hold
 * up another number's live messages. On PostgreSQL several nodes share the work: each apply
 * transaction first takes its lane's row with {@code FOR UPDATE SKIP LOCKED}, and a lane another
 * node holds is left to that node. Several entries share one transaction, each under its own
 * savepoint: an entry that cannot be applied is marked {@code failed} with its error and the others
 * go on, so the queue never gets stuck. A transaction stays short: it closes after a bounded number
 * of messages.
 *
 * <p>It notices new entries when {@link #wake()} is called (after each journal commit) and, as a
 * safety net, by polling every {@code pollInterval}.
 */
public final class Processor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Processor.class);
  // small enough that a transaction of live entries keeps the journal writer waiting for a few
  // milliseconds at most (they take turns on SQLite's write lock)
  private static final int ENTRIES_PER_READ = 16;
  // A read is what one lane gets before the next lane's turn: a few history chunks at most, so that
  // a live message of another number waits for little more than one transaction.
  private static final long BYTES_PER_READ = 64L * 1024;
  // a read this big (a history chunk) claims its lane from the node's other processor
  private static final long CLAIM_BYTES = 32L * 1024;
  private static final long LANE_BUSY_NANOS = Duration.ofMillis(25).toNanos();
  private static final int LANE_TAKEN = -2;
  // step(): no entry was pending, and some thread figures were brought up to date
  private static final int REFRESHED = -3;
  // appliedAlone: the transaction was rolled back, the entry is to be applied the usual way
  private static final DeliveryApplier.Applied ROLLED_BACK = new DeliveryApplier.Applied(0, 0, 0);
  // a transaction of more messages than this (a history chunk) is followed by another lane's turn
  // at once, not by a rest (see yieldToIngest)
  private static final int BULK_MESSAGES = 100;
  // see leadingParts: a few milliseconds of writing on SQLite under load
  private static final int MESSAGES_PER_PART = 250;
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);

  /** A lone entry whose transaction keeps failing is set aside as failed after this many tries. */
  private static final int TRANSACTION_TRIES = 3;

  private static final Duration THREAD_REFRESH_EVERY = Duration.ofSeconds(1);
  // the most threads one refresh brings up to date (one transaction when nothing arrives)
  private static final int THREADS_PER_REFRESH = 100;
  // One refresh transaction while deliveries arrive. During an import on PostgreSQL a refresh of a
  // hundred threads took 27-184 ms, and a trace of the live scenario showed live messages waiting
  // for it, the other processor being busy with a chunk.
  private static final int THREADS_PER_REFRESH_TRANSACTION = 10;
  // a refresh goes on at least this long when entries arrive meanwhile (the figures of a busy
  // store must still move on), and stops after it for them
  private static final long REFRESH_BEFORE_ENTRIES_NANOS = Duration.ofMillis(10).toNanos();
  private static final Duration INGEST_ACTIVE_WINDOW = Duration.ofMillis(100);
  private static final long MAX_YIELD_NANOS = Duration.ofMillis(100).toNanos();

  private final Database database;
  private final LaneClaims claims;
  private final int claimHolder;
  private final Counter lanesBusy;
  private final Counter decodes;
  private final Duration pollInterval;
  private final int messagesPerTransaction;
  private final Decoder decoder = new Decoder();
  private final JournalQueue queue;
  private final Dialect dialect;
  private final ReentrantLock applying = new ReentrantLock();
  private final Object signal = new Object();
  private final Counter appliedEntries;
  private final Counter failedEntries;
  private final Counter appliedMessages;
  private final Counter problems;
  private final Timer transactions;
  private final Thread thread;
  private final ExecutorService decoders;
  private final Consumer<StoreChange> changes;
  // Threads whose figures (counts, last message, unread) wait to be recomputed are listed in
  // dirty_threads by the transaction that touched them (see DirtyThreads). Recomputing costs in
  // proportion to a thread's size, so under a stream of live messages a busy thread is refreshed
  // at most once per THREAD_REFRESH_EVERY instead of in every transaction; whenever the queue runs
  // empty every listed thread is refreshed, so a quiet store is always exact. Threads touched by a
  // history chunk only are listed as bulk: under an import they are refreshed a hundred a second,
  // after the threads of live messages, which are all refreshed every second.
  private long threadsRefreshedAt = System.nanoTime();
  private boolean woken;
  // when wake() was last called: a refresh that began before it stops early
  private volatile long lastWakeNanos = System.nanoTime();
  private long lastTransactionNanos;
  private boolean lastTransactionWasBulk;
  // lanes turn by turn, so that no lane's backlog holds up the others
  private int nextLane;
  // when a lane held by another node (PostgreSQL) may be tried again; 0 = not held
  private final long[] laneBusyUntil = new long[Lanes.COUNT];
  private volatile boolean closing;
  private WriteSession session;
  private int entriesPerTransaction = Integer.MAX_VALUE;
  private long failingEntry = -1;
  private int failingTries;

  /**
   * @param pollInterval how often to look for pending entries when nobody calls {@link #wake()}
   * @param messagesPerTransaction a transaction is committed once it holds this many messages (a
   *     single larger entry still goes in one transaction)
   */
  public Processor(
      final Database database,
      final MeterRegistry meters,
      final Duration pollInterval,
      final int messagesPerTransaction,
      final Consumer<StoreChange> changes) {
    this(database, meters, pollInterval, messagesPerTransaction, changes, new LaneClaims());
  }

  /**
   * @param claims shared by the processors of one node, so that they never read the same lane
   */
  public Processor(
      final Database database,
      final MeterRegistry meters,
      final Duration pollInterval,
      final int messagesPerTransaction,
      final Consumer<StoreChange> changes,
      final LaneClaims claims) {
    this.database = database;
    this.queue = new JournalQueue(database.engine());
    this.claims = claims;
    this.claimHolder = claims.newHolder();
    this.decodes =
        Counter.builder("coexist.store.decodes")
            .description(
                "Journal entries decoded (an entry read again after a failed or lost turn counts"
                    + " again)")
            .register(meters);
    this.lanesBusy =
        Counter.builder("coexist.store.lanes.busy")
            .description(
                "Apply transactions that found their lane held by another processor (another node)")
            .register(meters);
    this.changes = changes;
    this.pollInterval = pollInterval;
    this.messagesPerTransaction = messagesPerTransaction;
    this.dialect = Dialect.of(database.engine());
    this.appliedEntries = counter(meters, "applied", "Journal entries applied to the store");
    this.failedEntries = counter(meters, "failed", "Journal entries that could not be applied");
    this.appliedMessages =
        Counter.builder("coexist.store.messages")
            .description("Messages written to the store (a message seen twice counts twice)")
            .register(meters);
    this.problems =
        Counter.builder("coexist.store.problems")
            .description("Items recorded in journal_problems instead of being applied")
            .register(meters);
    this.transactions =
        Timer.builder("coexist.store.transaction")
            .description("Apply transactions, from first write to commit")
            .publishPercentileHistogram()
            .register(meters);
    this.thread = Thread.ofPlatform().name("store-processor").unstarted(this::run);
    this.decoders =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("store-decoder").daemon(true).factory());
  }

  /** A processor with the defaults: poll every 250 ms, up to 1,000 messages per transaction. */
  public Processor(final Database database, final MeterRegistry meters) {
    this(database, meters, Duration.ofMillis(250), 1_000, change -> {});
  }

  /** A processor with the defaults that tells {@code changes} what each commit changed. */
  public Processor(
      final Database database, final MeterRegistry meters, final Consumer<StoreChange> changes) {
    this(database, meters, Duration.ofMillis(250), 1_000, changes);
  }

  /** The same, one of several processors of this node that share {@code claims}. */
  public Processor(
      final Database database,
      final MeterRegistry meters,
      final Consumer<StoreChange> changes,
      final LaneClaims claims) {
    this(database, meters, Duration.ofMillis(250), 1_000, changes, claims);
  }

  private static Counter counter(
      final MeterRegistry meters, final String outcome, final String description) {
    return Counter.builder("coexist.store.entries")
        .tag("outcome", outcome)
        .description(description)
        .register(meters);
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
    lastWakeNanos = System.nanoTime();
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /**
   * Applies every pending entry on the calling thread and returns how many entries it handled
   * (applied or failed). For tests, imports and benchmarks; safe next to the running thread.
   */
  public int drain() {
    int handled = 0;
    int refusals = 0;
    while (!closing) {
      final int step = step();
      if (step == REFRESHED) {
        continue;
      }
      if (step == 0 || (step < 0 && ++refusals > TRANSACTION_TRIES + 1)) {
        return handled;
      }
      if (step < 0) {
        pause(Duration.ofMillis(50));
      } else {
        handled += step;
        refusals = 0;
      }
    }
    return handled;
  }

  private void run() {
    Duration retry = pollInterval;
    // Supervision: an Error (OutOfMemoryError ...) or a bug thrown out of a step is logged, its
    // transaction rolled back (its entries stay pending) and the loop goes on after a pause. The
    // same in this many steps in a row will not heal: the thread ends, running() turns false, and
    // readiness and liveness fail so that a supervisor restarts Coexist.
    final int crashesMax = 5;
    int crashes = 0;
    while (!closing) {
      final int step;
      try {
        step = step();
      } catch (Throwable crashed) {
        applying.lock();
        try {
          closeSession();
        } finally {
          applying.unlock();
        }
        database.abandonWriteTurns();
        if (++crashes >= crashesMax) {
          LOG.error(
              "Processor stopped after {} failures in a row; restart Coexist", crashes, crashed);
          break;
        }
        LOG.error("Processor failed, it goes on in {} ms: {}", retry.toMillis(), crashed, crashed);
        pause(retry);
        retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
        continue;
      }
      crashes = 0;
      if (step > 0 || step == REFRESHED) {
        retry = pollInterval;
        continue;
      }
      if (step < 0) {
        // the database refused the transaction; back off, the entries stay pending
        pause(retry);
        retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
        continue;
      }
      idle();
    }
    applying.lock();
    try {
      closeSession();
    } finally {
      applying.unlock();
    }
  }

  private void idle() {
    synchronized (signal) {
      if (!woken && !closing) {
        try {
          signal.wait(Math.max(1, pollInterval.toMillis()));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          closing = true;
        }
      }
      woken = false;
    }
  }

  /** Waits up to {@code millis} for {@link #wake()}; whether it came (the wake is used up). */
  private boolean awaitWake(final long millis) {
    synchronized (signal) {
      if (!woken) {
        try {
          signal.wait(millis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          closing = true;
        }
      }
      final boolean wokenMeanwhile = woken;
      woken = false;
      return wokenMeanwhile;
    }
  }

  private void pause(final Duration duration) {
    synchronized (signal) {
      try {
        signal.wait(Math.max(1, duration.toMillis()));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        closing = true;
      }
    }
  }

  /**
   * Applies pending entries until none is left; behind big entries (history chunks) the next read
   * is decoded on the decoder thread while the current one is written. Returns the entries handled,
   * 0 when there was nothing to do, -1 when the database refused.
   */
  private int step() {
    applying.lock();
    try {
      final long[] readUpTo = new long[Lanes.COUNT];
      final List<PendingEntry> batch = readNext(readUpTo, -1);
      if (batch == null) {
        return -1;
      }
      if (batch.isEmpty()) {
        return refreshWhenQuiet();
      }
      Future<List<Work>> decoding = decodeAhead(batch);
      List<PendingEntry> decodingEntries = batch;
      int handled = 0;
      while (true) {
        final int meanwhile =
            othersWhileDecoding(decoding, readUpTo, decodingEntries.get(0).lane());
        if (meanwhile < 0) {
          decoding.cancel(true);
          return handled > 0 ? handled : -1;
        }
        handled += meanwhile;
        final List<Work> work = await(decoding);
        // read ahead: the next entries decode while these are written; not behind small entries
        // (live traffic), whose decoding takes less than the read, which would delay their apply
        final List<PendingEntry> next =
            closing || !isBig(decodingEntries) ? List.of() : readNext(readUpTo, -1);
        decoding = next == null || next.isEmpty() ? null : decodeAhead(next);
        if (decoding != null) {
          decodingEntries = next;
        }
        final int lane = work.get(0).entry().lane();
        // other lanes may go between the parts of a big chunk unless the read-ahead is another
        // lane's: its entries must be applied before that lane's later ones
        final boolean othersBetweenParts =
            next == null || next.isEmpty() || next.get(0).lane() == lane;
        int done = applyAll(work, othersBetweenParts ? readUpTo : null);
        if (decoding == null || next.get(0).lane() != lane) {
          claims.release(lane, claimHolder); // nothing read from it waits any more
        }
        if (done >= 0 && decoding != null && !closing) {
          if (next.get(0).lane() != lane) {
            // after a history chunk, another lane's turn comes first, without a rest before it
            if (!lastTransactionWasBulk) {
              yieldToIngest(lastTransactionNanos);
            }
          } else {
            // The lane read ahead keeps its turn only when no other lane is waiting: a live
            // message of another number that arrived meanwhile goes first, instead of after one
            // more chunk; so it does once more after the rest.
            final long took = lastTransactionNanos;
            done = otherLanes(readUpTo, lane, done);
            if (done >= 0) {
              done = restUnlessAnotherLaneWaits(took, readUpTo, lane, done);
            }
          }
        }
        if (done < 0) {
          if (decoding != null) {
            decoding.cancel(true);
          }
          return handled > 0 ? handled : -1;
        }
        handled += done;
        if (decoding == null) {
          return handled;
        }
      }
    } finally {
      claims.releaseAll(claimHolder);
      applying.unlock();
    }
  }

  /**
   * Waits for the entries of {@code lane} being decoded (a history chunk takes a while on a busy
   * machine), applying meanwhile what other lanes get journalled: a live message does not wait for
   * the decoding of another number's chunk. Every entry read so far but not applied is of {@code
   * lane}, so the other lanes' order holds. Returns the entries applied, -1 when the database
   * refused.
   */
  private int othersWhileDecoding(
      final Future<List<Work>> decoding, final long[] readUpTo, final int lane) {
    int done = 0;
    while (!decoding.isDone() && !closing) {
      // decodeAhead signals when done; the millisecond bounds a signal that came between the
      // check and the wait
      if (awaitWake(1)) {
        final int others = otherLanes(readUpTo, lane, 0);
        if (others < 0) {
          return -1;
        }
        done += others;
      }
    }
    return done;
  }

  /**
   * Applies the waiting entries of any lane but {@code lane}, if there are some; returns {@code
   * done} plus those, or -1 when the database refused.
   */
  private int otherLanes(final long[] readUpTo, final int lane, final int done) {
    final List<PendingEntry> other = readNext(readUpTo, lane);
    if (other == null) {
      return -1;
    }
    if (other.isEmpty()) {
      return done;
    }
    final int otherDone = applyAll(decodeAll(other), null);
    claims.release(other.get(0).lane(), claimHolder);
    return otherDone < 0 ? otherDone : done + otherDone;
  }

  /**
   * The next pending entries of the next lane that has any, after those this step already read
   * ({@code readUpTo}, per lane), leaving out {@code skipLane}; empty when no lane has work, null
   * when the journal cannot be read.
   */
  private List<PendingEntry> readNext(final long[] readUpTo, final int skipLane) {
    try {
      final WriteSession writer = session();
      final long now = System.nanoTime();
      final Set<Integer> withWork = queue.lanesWithWork(writer.connection());
      List<PendingEntry> pending = List.of();
      for (int tried = 0;
          tried < Lanes.COUNT && pending.isEmpty() && !withWork.isEmpty();
          tried++) {
        final int lane = nextLane;
        nextLane = (nextLane + 1) % Lanes.COUNT;
        if (!withWork.contains(lane)
            || lane == skipLane
            || (laneBusyUntil[lane] != 0 && now - laneBusyUntil[lane] < 0)) {
          continue;
        }
        laneBusyUntil[lane] = 0;
        if (claims.heldByOther(lane, claimHolder)) {
          continue; // another processor of this node is applying its history chunks
        }
        pending =
            queue.pending(
                writer.connection(),
                lane,
                readUpTo[lane],
                Math.min(ENTRIES_PER_READ, entriesPerTransaction),
                BYTES_PER_READ);
        if (isBig(pending) && !claims.claim(lane, claimHolder)) {
          // the other processor claimed it while this one read: these entries are its work
          pending = List.of();
          continue;
        }
        if (!pending.isEmpty()) {
          readUpTo[lane] = pending.get(pending.size() - 1).id();
        }
      }
      // ends the read: the apply transaction must start with its write (see Dialect.takeLane)
      writer.commit();
      return pending;
    } catch (SQLException unreadable) {
      LOG.warn("Cannot read the journal, retrying: {}", unreadable.getMessage());
      closeSession();
      return null;
    }
  }

  /**
   * Decodes big entries on the decoder thread (small ones at once, on this one), and wakes the
   * processor thread when done: it waits for them in {@link #othersWhileDecoding}, and a wait that
   * only timed out cost up to a millisecond a chunk. The wake is not a {@link #wake}: nothing new
   * was journalled, so the processor looks for no other lane's entries.
   */
  private Future<List<Work>> decodeAhead(final List<PendingEntry> entries) {
    if (!isBig(entries)) {
      // small entries (live traffic) decode here in less time than handing them to the decoder
      // thread takes when both cores are busy: each hand-off waits for a core
      return CompletableFuture.completedFuture(decodeAll(entries));
    }
    // done() runs once the result is set (or the task cancelled), so a woken processor finds
    // the future done
    final FutureTask<List<Work>> decoding =
        new FutureTask<>(() -> decodeAll(entries)) {
          @Override
          protected void done() {
            synchronized (signal) {
              signal.notifyAll();
            }
          }
        };
    decoders.execute(decoding);
    return decoding;
  }

  /**
   * Whether a read is as big as a history chunk ({@link #CLAIM_BYTES}): it claims its lane, decodes
   * on the decoder thread and has the next read decoded behind it.
   */
  private static boolean isBig(final List<PendingEntry> entries) {
    long bytes = 0;
    for (final PendingEntry entry : entries) {
      bytes += entry.body().length;
    }
    return bytes >= CLAIM_BYTES;
  }

  private List<Work> decodeAll(final List<PendingEntry> entries) {
    final List<Work> work = new ArrayList<>(entries.size());
    for (final PendingEntry entry : entries) {
      work.add(decode(entry));
    }
    return work;
  }

  private static List<Work> await(final Future<List<Work>> decoding) {
    try {
      return decoding.get();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while decoding", interrupted);
    } catch (ExecutionException failed) {
      // decode() catches everything; this is a bug, not a bad delivery
      throw new IllegalStateException("decoding failed", failed.getCause());
    }
  }

  /**
   * Applies decoded entries in transactions of bounded size.
   *
   * @param readUpTo when not null, a big history chunk is written a part at a time while deliveries
   *     arrive, and the waiting entries of other lanes are applied between two parts
   */
  private int applyAll(final List<Work> work, final long[] readUpTo) {
    int handled = 0;
    int from = 0;
    while (from < work.size()) {
      int to = from;
      int messages = 0;
      while (to < work.size()
          && to - from < entriesPerTransaction
          && (to == from || messages + work.get(to).messages() <= messagesPerTransaction)) {
        messages += work.get(to).messages();
        to++;
      }
      List<Work> batch = work.subList(from, to);
      if (readUpTo != null && batch.size() == 1) {
        final int fromThread = leadingParts(batch.get(0), readUpTo);
        if (fromThread == LANE_TAKEN) {
          return handled;
        }
        if (fromThread < 0) {
          return handled > 0 ? handled : -1;
        }
        if (fromThread > 0) {
          batch = List.of(batch.get(0).startingAt(fromThread));
        }
      }
      final int done = transaction(batch);
      if (done == LANE_TAKEN) {
        // another node applies this lane; the rest of this read is its work too
        return handled;
      }
      if (done < 0) {
        return handled > 0 ? handled : -1;
      }
      handled += done;
      from = to;
    }
    return handled;
  }

  private Work decode(final PendingEntry entry) {
    decodes.increment();
    try {
      final Decoded decoded = decoder.decode(entry.body());
      int messages = 0;
      for (final var event : decoded.events()) {
        messages += event instanceof HistoryChunk chunk ? chunk.messageCount() : 1;
      }
      return new Work(entry, decoded, DeliveryApplier.contents(decoded), null, messages);
    } catch (NotAnEnvelopeException notAnEnvelope) {
      return new Work(
          entry, null, Map.of(), "not a webhook envelope: " + notAnEnvelope.getMessage(), 1);
    } catch (RuntimeException unexpected) {
      LOG.error("Decoding journal entry {} failed unexpectedly", entry.id(), unexpected);
      return new Work(entry, null, Map.of(), "decoding failed: " + unexpected, 1);
    }
  }

  /**
   * Applies entries of one lane. Returns the entries handled, -1 when the transaction as a whole
   * failed, {@link #LANE_TAKEN} when another node holds the lane.
   */
  private int transaction(final List<Work> batch) {
    final long started = System.nanoTime();
    WriteSession writer = null;
    int applied = 0;
    int failed = 0;
    int messages = 0;
    int itemProblems = 0;
    final List<StoreChange> changed = new ArrayList<>();
    database.beginWriteTurn(false);
    try {
      writer = session();
      final int lane = batch.get(0).entry().lane();
      if (!takeLane(writer, lane)) {
        database.endWriteTurn();
        return LANE_TAKEN;
      }
      for (final Work work : batch) {
        final PendingEntry entry = work.entry();
        if (batch.size() == 1 && work.error() == null) {
          final DeliveryApplier.Applied alone = appliedAlone(writer, work);
          if (alone != ROLLED_BACK) {
            changed.addAll(StoreChange.of(entry.id(), work.decoded()));
            applied++;
            messages += alone.messages();
            itemProblems += alone.problems();
            continue;
          }
          if (!takeLane(writer, lane)) {
            database.endWriteTurn();
            return LANE_TAKEN; // the node that took it meanwhile applies the entry
          }
        }
        final Savepoint savepoint = writer.savepoint();
        if (!queue.isPending(writer.connection(), entry)) {
          writer.release(savepoint);
          continue;
        }
        String error = work.error();
        if (error == null) {
          try {
            final DeliveryApplier.Applied result =
                DeliveryApplier.apply(
                    writer, entry, work.decoded(), work.contents(), work.fromThread(), true);
            queue.markApplied(writer.connection(), entry);
            writer.release(savepoint);
            changed.addAll(StoreChange.of(entry.id(), work.decoded()));
            applied++;
            messages += result.messages();
            itemProblems += result.problems();
            continue;
          } catch (SQLException | RuntimeException cannotApply) {
            writer.rollbackTo(savepoint);
            error = "cannot apply: " + DeliveryApplier.describe(cannotApply);
            LOG.warn("Journal entry {} cannot be applied: {}", entry.id(), error, cannotApply);
          }
        } else {
          LOG.warn("Journal entry {} cannot be applied: {}", entry.id(), error);
        }
        queue.markFailed(writer.connection(), entry, error);
        writer.release(savepoint);
        changed.add(StoreChange.failed(entry.id(), error));
        failed++;
      }
      DirtyThreads.list(writer, writer.touchedThreads(), messages > BULK_MESSAGES);
      writer.touchedThreads().clear();
      writer.commit();
    } catch (SQLException | RuntimeException refused) {
      closeSession();
      database.endWriteTurn();
      return refusedTransaction(batch, refused);
    }
    database.endWriteTurn();
    lastTransactionNanos = System.nanoTime() - started;
    lastTransactionWasBulk = messages > BULK_MESSAGES;
    entriesPerTransaction = Integer.MAX_VALUE;
    failingEntry = -1;
    transactions.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    appliedEntries.increment(applied);
    failedEntries.increment(failed);
    appliedMessages.increment(messages);
    problems.increment(itemProblems);
    publish(changed);
    if (System.nanoTime() - threadsRefreshedAt >= THREAD_REFRESH_EVERY.toNanos()) {
      refreshThreads(THREADS_PER_REFRESH);
    }
    return batch.size();
  }

  /**
   * Applies an entry that is alone in its transaction without savepoints, the entry's or its
   * events': under a savepoint SQLite first copies every page the entry changes to its statement
   * journal, which cost a history chunk about a tenth of its insert. Should anything fail, the
   * whole transaction is rolled back ({@link #ROLLED_BACK}), and the caller takes the lane again
   * and applies the entry the usual way, each event under a savepoint, recording what fails (or
   * finding that the entry is not pending any more).
   */
  private DeliveryApplier.Applied appliedAlone(final WriteSession writer, final Work work)
      throws SQLException {
    final PendingEntry entry = work.entry();
    try {
      final DeliveryApplier.Applied result =
          DeliveryApplier.apply(
              writer, entry, work.decoded(), work.contents(), work.fromThread(), false);
      // marked only if still pending, which is nearly always so: asking first would cost SQLite a
      // walk past the body, which sits before the state in the row
      if (queue.markApplied(writer.connection(), entry)) {
        return result;
      }
      writer.rollback(); // replayed or applied meanwhile: the usual way finds it is not pending
      return ROLLED_BACK;
    } catch (SQLException | RuntimeException failed) {
      LOG.debug(
          "Journal entry {} failed as a whole, applying it event by event: {}",
          entry.id(),
          failed.toString());
      writer.rollback();
      return ROLLED_BACK;
    }
  }

  /**
   * While deliveries arrive, writes a big history chunk's threads a part of {@link
   * #MESSAGES_PER_PART} messages at a time, each part in its own transaction, and applies the
   * entries other lanes have waiting between two parts: a live message of another number then waits
   * for one part, not for the whole chunk, both for its journal commit (the two writers take turns)
   * and for its own apply. The last part goes with the chunk's own transaction, which counts the
   * chunk and marks the entry applied; until then the entry stays pending and, after a crash, is
   * applied again whole (every write is an upsert). With nobody waiting (a backlog, a replay) a
   * chunk is one transaction: fewer commits, faster import. So it is on PostgreSQL, where writers
   * do not take turns and other processors apply the other lanes meanwhile.
   *
   * <p>Returns the thread the chunk's own transaction starts from (0: no part was written), {@link
   * #LANE_TAKEN}, or -1 when the database refused.
   */
  private int leadingParts(final Work work, final long[] readUpTo) {
    final HistoryChunk chunk =
        work.error() == null
            ? DeliveryApplier.partableChunk(work.decoded(), MESSAGES_PER_PART)
            : null;
    if (chunk == null) {
      return 0;
    }
    final int lane = work.entry().lane();
    int from = 0;
    while (!closing && deliveriesArriving()) {
      int to = from;
      int messages = 0;
      while (to < chunk.threads().size()
          && (to == from
              || messages + chunk.threads().get(to).messages().size() <= MESSAGES_PER_PART)) {
        messages += chunk.threads().get(to).messages().size();
        to++;
      }
      if (to >= chunk.threads().size()) {
        break; // the last part: the chunk's own transaction
      }
      final int written = part(work, chunk, from, to);
      if (written == LANE_TAKEN) {
        return LANE_TAKEN;
      }
      if (written < 0) {
        break; // not pending any more, or the part failed: the chunk's transaction decides
      }
      from = to;
      if (otherLanes(readUpTo, lane, 0) < 0) {
        return -1;
      }
    }
    return from;
  }

  /**
   * Starts an apply transaction of {@code lane}; false, with the transaction rolled back and the
   * lane left alone for a moment, when another node holds it and applies its entries.
   */
  private boolean takeLane(final WriteSession writer, final int lane) throws SQLException {
    if (writer.takeLane(lane)) {
      return true;
    }
    writer.rollback();
    laneBusyUntil[lane] = System.nanoTime() + LANE_BUSY_NANOS;
    lanesBusy.increment();
    return false;
  }

  /** One part of a chunk (see leadingParts): the messages written, LANE_TAKEN or -1. */
  private int part(final Work work, final HistoryChunk chunk, final int from, final int to) {
    final long started = System.nanoTime();
    final int lane = work.entry().lane();
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session();
      if (!takeLane(writer, lane)) {
        return LANE_TAKEN;
      }
      if (!queue.isPending(writer.connection(), work.entry())) {
        writer.rollback();
        return -1;
      }
      final int messages = DeliveryApplier.applyThreads(writer, chunk, from, to, work.contents());
      DirtyThreads.list(writer, writer.touchedThreads(), true);
      writer.touchedThreads().clear();
      writer.commit();
      transactions.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      appliedMessages.increment(messages);
      return messages;
    } catch (SQLException | RuntimeException failed) {
      // the chunk's own transaction applies these threads again and records what fails
      LOG.debug("A part of journal entry {} failed: {}", work.entry().id(), failed.toString());
      closeSession();
      return -1;
    } finally {
      database.endWriteTurn();
    }
  }

  /**
   * A transaction failed as a whole (database locked or gone, or an entry that breaks the
   * connection): retry entry by entry, and set aside an entry that keeps failing on its own, so one
   * poisonous delivery never stops the queue.
   */
  private int refusedTransaction(final List<Work> batch, final Exception refused) {
    LOG.warn(
        "Apply transaction of {} entries from {} refused: {}",
        batch.size(),
        batch.get(0).entry().id(),
        refused.getMessage());
    if (batch.size() > 1) {
      entriesPerTransaction = 1;
      return -1;
    }
    final long id = batch.get(0).entry().id();
    failingTries = failingEntry == id ? failingTries + 1 : 1;
    failingEntry = id;
    if (failingTries < TRANSACTION_TRIES) {
      return -1;
    }
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session();
      if (writer.takeLane(batch.get(0).entry().lane())) {
        queue.markFailed(
            writer.connection(),
            batch.get(0).entry(),
            "cannot apply: the transaction failed "
                + failingTries
                + " times: "
                + DeliveryApplier.describe(refused));
        writer.commit();
        failedEntries.increment();
        failingEntry = -1;
        entriesPerTransaction = Integer.MAX_VALUE;
        return 1;
      }
      writer.rollback();
    } catch (SQLException | RuntimeException stillRefused) {
      closeSession();
    } finally {
      database.endWriteTurn();
    }
    return -1;
  }

  /**
   * The rest of {@link #yieldToIngest} between two transactions of one lane's read-ahead (a history
   * import), cut short when a delivery of another lane is journalled meanwhile: that one is applied
   * at once instead of after the rest, so a live message does not wait for an import's rests. Each
   * journal commit wakes the processor; a wake that brought nothing for another lane (the import's
   * own next chunk) lets the rest go on. Returns {@code done} plus the entries applied, or -1 when
   * the database refused.
   */
  private int restUnlessAnotherLaneWaits(
      final long took, final long[] readUpTo, final int lane, final int done) {
    if (closing || !deliveriesArriving()) {
      return otherLanes(readUpTo, lane, done);
    }
    final long until = System.nanoTime() + Math.min(2 * took, MAX_YIELD_NANOS);
    while (!closing) {
      final long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      if (awaitWake(Math.max(1, left / 1_000_000))) {
        final int others = otherLanes(readUpTo, lane, 0);
        if (others != 0) {
          return others < 0 ? -1 : done + others;
        }
      }
    }
    return otherLanes(readUpTo, lane, done);
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
    LockSupport.parkNanos(Math.min(2 * took, MAX_YIELD_NANOS));
  }

  /**
   * Nothing is pending: bring the next listed threads up to date, a transaction of {@link
   * #THREADS_PER_REFRESH} at a time so that a live message arriving meanwhile waits for one short
   * transaction at most. Returns {@link #REFRESHED} when threads were refreshed, 0 when none is
   * listed (or every listed one is being refreshed by another processor), -1 when the database
   * refused.
   */
  private int refreshWhenQuiet() {
    try {
      final WriteSession writer = session();
      final boolean any = DirtyThreads.any(writer);
      writer.commit(); // ends the read: a write transaction must start with its write
      if (!any) {
        return 0;
      }
    } catch (SQLException unreadable) {
      LOG.warn("Cannot read the threads to refresh, retrying: {}", unreadable.getMessage());
      closeSession();
      return -1;
    }
    final int refreshed = refreshThreads(THREADS_PER_REFRESH);
    return refreshed > 0 ? REFRESHED : refreshed;
  }

  /**
   * Recomputes the figures of up to {@code most} listed threads (live ones first) in transactions
   * of their own, so that the refresh of a thousand threads touched by a history import never rides
   * in, and delays, the transaction of a live message; and a few threads at a time, stopping as
   * soon as new entries are journalled, so that such a message waits for one short transaction at
   * most. Returns how many were refreshed, -1 when the database refused.
   */
  private int refreshThreads(final int most) {
    final long started = System.nanoTime();
    int left = most;
    int refreshed = 0;
    while (left > 0) {
      // with nothing arriving (a backlog, a replay) one transaction, as commits cost too; a wake
      // since the start counts too (the difference is negative). Not deliveriesArriving: on
      // PostgreSQL a refresh must give way to new entries too.
      final boolean arriving = started - lastWakeNanos < INGEST_ACTIVE_WINDOW.toNanos();
      final int some = arriving ? Math.min(left, THREADS_PER_REFRESH_TRANSACTION) : left;
      final int done = refreshSomeThreads(some);
      if (done < 0) {
        return refreshed > 0 ? refreshed : -1;
      }
      refreshed += done;
      if (done < some) {
        break; // none listed any more (or the rest is another processor's)
      }
      left -= some;
      if (System.nanoTime() - started >= REFRESH_BEFORE_ENTRIES_NANOS
          && lastWakeNanos - started > 0) {
        break; // entries were journalled meanwhile: they go first, the rest waits
      }
    }
    return refreshed;
  }

  /**
   * One refresh transaction of up to {@code most} listed threads: their figures are recomputed and
   * they are unlisted in the same transaction. Returns how many, -1 when the database refused.
   */
  private int refreshSomeThreads(final int most) {
    final List<StoreChange> changed = new ArrayList<>();
    final List<Long> threads;
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session();
      writer.beginWrite();
      threads = DirtyThreads.take(writer, most);
      for (final long thread : threads) {
        writer.touch(thread);
        changed.add(StoreChange.thread(thread));
      }
      MessageWriter.refreshThreads(writer);
      DirtyThreads.unlist(writer, threads);
      writer.commit();
    } catch (SQLException | RuntimeException refused) {
      LOG.warn("Refreshing up to {} threads refused: {}", most, refused.getMessage());
      closeSession();
      return -1;
    } finally {
      database.endWriteTurn();
    }
    threadsRefreshedAt = System.nanoTime();
    publish(changed);
    return threads.size();
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

  private WriteSession session() throws SQLException {
    if (session == null) {
      session = new WriteSession(database.openWriterConnection(), dialect);
      // outside a transaction: SQLite refuses to change synchronous inside one
      session.connection().setAutoCommit(true);
      try (Statement setup = session.connection().createStatement()) {
        for (final String statement : dialect.writerSetup) {
          setup.execute(statement);
        }
      }
      session.connection().setAutoCommit(false);
    }
    return session;
  }

  private void closeSession() {
    if (session != null) {
      try {
        session.connection().rollback();
      } catch (SQLException ignored) {
        // the connection is closed next; its transaction dies with it
      }
      session.close();
      session = null;
    }
  }

  /**
   * Whether deliveries were journalled within {@link #INGEST_ACTIVE_WINDOW} (each journal commit
   * wakes the processor), on SQLite: there the processor writes history chunks a part at a time and
   * rests between its transactions, so that a live message of another number waits for one part,
   * and so that on a small machine acknowledging keeps the CPU it needs. On PostgreSQL the other
   * processor applies the other lanes meanwhile.
   */
  private boolean deliveriesArriving() {
    return database.engine() == Engine.SQLITE
        && System.nanoTime() - lastWakeNanos < INGEST_ACTIVE_WINDOW.toNanos();
  }

  /** Stops after the current transaction; pending entries stay pending for the next start. */
  @Override
  public void close() {
    closing = true;
    wake();
    decoders.shutdown();
    if (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    } else {
      applying.lock();
      try {
        closeSession();
      } finally {
        applying.unlock();
      }
    }
  }

  /**
   * @param fromThread the threads of the entry's history chunk before this one were written by
   *     earlier parts (see leadingParts)
   */
  private record Work(
      PendingEntry entry,
      Decoded decoded,
      Map<JsonNode, String> contents,
      String error,
      int messages,
      int fromThread) {
    Work(
        final PendingEntry entry,
        final Decoded decoded,
        final Map<JsonNode, String> contents,
        final String error,
        final int messages) {
      this(entry, decoded, contents, error, messages, 0);
    }

    /** The rest of the entry once its chunk's threads before {@code thread} are written. */
    Work startingAt(final int thread) {
      return new Work(entry, decoded, contents, error, messages, thread);
    }
  }
}
