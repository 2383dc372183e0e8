package dev.coexist.journal;

import dev.coexist.db.Database;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's only writer: one thread gathers the deliveries that arrive while the previous
 * commit runs and commits them together in one transaction (group commit). A delivery's future
 * completes only after the commit that holds it returned, so an acknowledgement always means "on
 * disk".
 *
 * <p>When a commit fails (disk full, database locked or gone) every delivery of that batch fails
 * with {@link JournalUnavailableException}, the journal reports itself unavailable, and the writer
 * probes the database until it takes writes again. When the database refuses the values of a batch
 * instead (see {@link WriteFailure}), the batch is written again one delivery at a time ({@link
 * PoisonIsolation}), so one bad delivery never fails the others.
 *
 * <p>The thread is supervised: anything thrown out of a turn (an {@link Error} such as an
 * OutOfMemoryError, or a bug) fails that turn's deliveries with 503, is logged, and the loop goes
 * on; after {@value #CRASHES_MAX} such turns in a row the writer stops, reports itself down and
 * refuses deliveries, so that liveness fails and a supervisor restarts the process.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
  // an Error that recurs on every turn will not go away by itself: give up and let a supervisor
  // restart the process; a single one (a huge allocation, a transient bug) must not stop ingest
  private static final int CRASHES_MAX = 5;

  private final Database database;
  private final int batchMax;
  private final Duration batchWait;
  private final long queueBytesMax;
  private final LinkedBlockingQueue<Append> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicReference<Availability> availability =
      new AtomicReference<>(Availability.up());
  private final DistributionSummary batchSizes;
  private final Thread thread;
  private final Runnable afterAcceptedCommit;
  private volatile boolean closing;
  // why the writer stopped for good (see CRASHES_MAX), or null while it runs
  private volatile String stoppedBecause;
  private final WriterConnection writer;

  GroupCommitWriter(
      final Database database,
      final int batchMax,
      final Duration batchWait,
      final long queueBytesMax,
      final MeterRegistry meters,
      final Runnable afterAcceptedCommit) {
    this.database = database;
    this.writer = new WriterConnection(database);
    this.afterAcceptedCommit = afterAcceptedCommit;
    this.batchMax = batchMax;
    this.batchWait = batchWait;
    this.queueBytesMax = queueBytesMax;
    this.batchSizes =
        DistributionSummary.builder("coexist.journal.batch.size")
            .description("Deliveries committed together in one journal transaction")
            .publishPercentileHistogram()
            .register(meters);
    meters.gauge("coexist.journal.queue", queue, LinkedBlockingQueue::size);
    meters.gauge("coexist.journal.queue.bytes", queuedBytes, AtomicLong::get);
    this.thread = Thread.ofPlatform().name("journal-writer").daemon(false).unstarted(this::run);
    thread.start();
  }

  /** Queues a delivery; the future completes once it is committed, or fails. */
  CompletableFuture<Receipt> submit(final Delivery delivery) {
    if (closing || stoppedBecause != null) {
      return refusedNow();
    }
    final long size = delivery.body().length;
    if (queuedBytes.addAndGet(size) > queueBytesMax && queuedBytes.get() != size) {
      // a single delivery larger than the limit still goes through when the queue is empty
      queuedBytes.addAndGet(-size);
      return CompletableFuture.failedFuture(
          new JournalUnavailableException(
              "the journal is behind: more than " + queueBytesMax + " bytes wait to be written"));
    }
    final Append append =
        new Append(delivery, Lanes.keyOf(delivery.body()), new CompletableFuture<>());
    queue.add(append);
    if ((closing || stoppedBecause != null) && queue.remove(append)) {
      // close() began, or the writer stopped, between the check above and the add: the writer may
      // not see it any more
      queuedBytes.addAndGet(-size);
      return refusedNow();
    }
    return append.result();
  }

  private CompletableFuture<Receipt> refusedNow() {
    final String stopped = stoppedBecause;
    return CompletableFuture.failedFuture(
        new JournalUnavailableException(stopped != null ? stopped : "Coexist is shutting down"));
  }

  /** False once the writer thread stopped for good after repeated failures (or was closed). */
  boolean running() {
    return thread.isAlive() && stoppedBecause == null;
  }

  Availability availability() {
    return availability.get();
  }

  private void run() {
    final List<Append> batch = new ArrayList<>(batchMax);
    int crashes = 0;
    while (true) {
      try {
        if (!turn(batch)) {
          break;
        }
        if (!batch.isEmpty()) {
          crashes = 0; // a batch went through: the last failure did not recur
        }
      } catch (InterruptedException interrupted) {
        // only close() interrupts, after the queue is drained; nothing is left to answer
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable crashed) { // supervision of the thread, see the class comment
        writer.discard();
        database.abandonWriteTurns();
        final String reason = "the journal writer failed: " + crashed;
        failAll(batch, reason, crashed);
        if (++crashes >= CRASHES_MAX) {
          stop(reason + " (" + crashes + " turns in a row)", crashed);
          break;
        }
        LOG.error("Journal writer failed, its batch got 503; it goes on: {}", reason, crashed);
      } finally {
        batch.clear();
      }
    }
    writer.close();
  }

  /** One turn of the loop: a batch committed, or a probe; false when the writer is to stop. */
  private boolean turn(final List<Append> batch) throws InterruptedException {
    final Append first = queue.poll(PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    if (first == null) {
      if (closing) {
        return false;
      }
      if (!availability.get().writable()) {
        probe();
      }
      return true;
    }
    batch.add(first);
    gather(batch);
    commit(batch);
    return true;
  }

  private void stop(final String reason, final Throwable crashed) {
    LOG.error(
        "Journal writer stopped: {}; deliveries get 503 and /health/live fails until Coexist is"
            + " restarted",
        reason,
        crashed);
    stoppedBecause = "the journal writer stopped: " + reason;
    availability.set(Availability.down(stoppedBecause));
    final List<Append> left = new ArrayList<>();
    queue.drainTo(left);
    failAll(left, stoppedBecause, crashed);
  }

  private void failAll(final List<Append> appends, final String reason, final Throwable cause) {
    for (final Append append : appends) {
      if (!append.result().isDone()) {
        release(append);
        append.result().completeExceptionally(new JournalUnavailableException(reason, cause));
      }
    }
  }

  private void gather(final List<Append> batch) throws InterruptedException {
    queue.drainTo(batch, batchMax - batch.size());
    if (batchWait.isZero()) {
      return;
    }
    final long deadline = System.nanoTime() + batchWait.toNanos();
    while (batch.size() < batchMax) {
      final long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      final Append next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
      queue.drainTo(batch, batchMax - batch.size());
    }
  }

  private void commit(final List<Append> batch) {
    final List<PoisonIsolation.Result> results;
    database.beginWriteTurn(true);
    try {
      results = write(batch);
    } catch (SQLException | RuntimeException failed) {
      writer.discard();
      database.endWriteTurn();
      final String reason = "the journal database refused the write: " + failed.getMessage();
      if (availability.get().writable()) {
        LOG.error("Journal unavailable, deliveries get 503 until it recovers: {}", reason, failed);
      }
      availability.set(Availability.down(reason));
      failAll(batch, reason, failed);
      return;
    }
    // an Error thrown above leaves the turn held: run() gives it back (abandonWriteTurns)
    database.endWriteTurn();
    if (!availability.get().writable()) {
      LOG.info("Journal takes writes again");
      availability.set(Availability.up());
    }
    batchSizes.record(batch.size());
    boolean anyAccepted = false;
    for (int index = 0; index < batch.size(); index++) {
      final Append append = batch.get(index);
      release(append);
      switch (results.get(index)) {
        case PoisonIsolation.Journalled journalled -> {
          append.result().complete(journalled.receipt());
          anyAccepted |= journalled.receipt().outcome() == Receipt.Outcome.ACCEPTED;
        }
        case PoisonIsolation.Refused refused ->
            append
                .result()
                .completeExceptionally(
                    new DeliveryRefusedException(refused.reason(), refused.cause()));
      }
    }
    if (anyAccepted) {
      try {
        afterAcceptedCommit.run();
      } catch (RuntimeException listenerFailed) {
        LOG.warn("After-commit listener failed: {}", listenerFailed.toString());
      }
    }
  }

  /**
   * The batch in one transaction, one insert per delivery and one commit; only when the database
   * refuses the values does it go again one by one (see {@link PoisonIsolation}).
   */
  private List<PoisonIsolation.Result> write(final List<Append> batch) throws SQLException {
    final Connection connection = writer.connection();
    final JournalInserts inserts = writer.inserts();
    final long now = System.currentTimeMillis();
    final List<PoisonIsolation.Result> results = new ArrayList<>(batch.size());
    try {
      inserts.beginTransaction();
      for (final Append append : batch) {
        results.add(
            new PoisonIsolation.Journalled(inserts.write(append.delivery(), append.lane(), now)));
      }
      connection.commit();
      return results;
    } catch (SQLException failed) {
      if (!(WriteFailure.of(failed) instanceof WriteFailure.Refused)) {
        throw failed;
      }
      connection.rollback();
      LOG.warn(
          "The journal database refused a batch of {} as data, writing them one by one: {}",
          batch.size(),
          failed.getMessage());
      return PoisonIsolation.write(
          connection, inserts, batch.stream().map(Append::delivery).toList(), now);
    }
  }

  private void probe() {
    database.beginWriteTurn(true);
    try {
      writer.probe();
      LOG.info("Journal takes writes again");
      availability.set(Availability.up());
    } catch (SQLException | RuntimeException stillDown) {
      writer.discard();
      availability.set(
          new Availability(
              false,
              "the journal database refused the write: " + stillDown.getMessage(),
              availability.get().since()));
    } finally {
      database.endWriteTurn();
    }
  }

  private void release(final Append append) {
    queuedBytes.addAndGet(-append.delivery().body().length);
  }

  /** Stops taking deliveries, commits what is queued, and stops the thread. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A delivery waiting to be journalled, with its lane's key found by the thread that sent it. */
  private record Append(Delivery delivery, Lanes.Key lane, CompletableFuture<Receipt> result) {}
}
