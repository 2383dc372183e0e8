package dev.coexist.journal;

import dev.coexist.store.Database;
import dev.coexist.store.Engine;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * probes the database until it takes writes again.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

  private static final String INSERT_ENTRY =
      """
      INSERT INTO journal (received_at, route, headers, body, body_sha256, event_id, state, error, updated_at,
                           lane)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO NOTHING
      RETURNING id
      """;

  // PostgreSQL: the journal writers of every node (and an import) take turns per commit, held to
  // the commit's end, so entries commit in the order of their ids. The store applies a lane's
  // entries in id order and records how far it got; an entry that committed after a higher id had
  // been applied would be passed over. (One SQLite file has one writer at a time anyway.)
  private static final String COMMIT_ORDER = "SELECT pg_advisory_xact_lock(7301208655302741918)";

  // Runs only when INSERT_ENTRY hit one of the unique keys: the delivery was journalled before.
  private static final String INSERT_DUPLICATE =
      """
      INSERT INTO journal (received_at, route, headers, body, body_sha256, event_id, state, updated_at, duplicate_of)
      VALUES (?, ?, ?, ?, ?, ?, 'duplicate', ?,
              (SELECT id FROM journal
                WHERE state IN ('pending', 'applied', 'failed')
                  AND (body_sha256 = ? OR event_id = ?)
                ORDER BY id LIMIT 1))
      RETURNING id, duplicate_of
      """;

  private static final String PROBE = "UPDATE write_probe SET probed_at = ? WHERE id = 1";

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
  private Connection connection;
  // prepared once per connection: preparing again for every batch cost 7 % of the writer's time
  private PreparedStatement insert;
  private PreparedStatement insertDuplicate;
  private PreparedStatement commitOrder;

  GroupCommitWriter(
      final Database database,
      final int batchMax,
      final Duration batchWait,
      final long queueBytesMax,
      final MeterRegistry meters,
      final Runnable afterAcceptedCommit) {
    this.database = database;
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
    if (closing) {
      return CompletableFuture.failedFuture(
          new JournalUnavailableException("Coexist is shutting down"));
    }
    final long size = delivery.body().length;
    if (queuedBytes.addAndGet(size) > queueBytesMax && queuedBytes.get() != size) {
      // a single delivery larger than the limit still goes through when the queue is empty
      queuedBytes.addAndGet(-size);
      return CompletableFuture.failedFuture(
          new JournalUnavailableException(
              "the journal is behind: more than " + queueBytesMax + " bytes wait to be written"));
    }
    final Append append = new Append(delivery, new CompletableFuture<>());
    queue.add(append);
    if (closing && queue.remove(append)) {
      // close() began between the check above and the add: the writer may not see it any more
      queuedBytes.addAndGet(-size);
      return CompletableFuture.failedFuture(
          new JournalUnavailableException("Coexist is shutting down"));
    }
    return append.result();
  }

  Availability availability() {
    return availability.get();
  }

  private void run() {
    final List<Append> batch = new ArrayList<>(batchMax);
    while (true) {
      try {
        final Append first = queue.poll(PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing) {
            break;
          }
          if (!availability.get().writable()) {
            probe();
          }
          continue;
        }
        batch.add(first);
        gather(batch);
        commit(batch);
      } catch (InterruptedException interrupted) {
        // only close() interrupts, after the queue is drained; nothing is left to answer
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    closeConnection();
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
    final List<Receipt> receipts = new ArrayList<>(batch.size());
    database.beginWriteTurn(true);
    try {
      final Connection writer = connection();
      if (commitOrder != null) {
        commitOrder.execute();
      }
      final long now = System.currentTimeMillis();
      for (final Append append : batch) {
        receipts.add(write(insert, insertDuplicate, append.delivery(), now));
      }
      writer.commit();
    } catch (SQLException | RuntimeException failed) {
      rollbackQuietly();
      closeConnection();
      database.endWriteTurn();
      final String reason = "the journal database refused the write: " + failed.getMessage();
      if (availability.get().writable()) {
        LOG.error("Journal unavailable, deliveries get 503 until it recovers: {}", reason, failed);
      }
      availability.set(Availability.down(reason));
      for (final Append append : batch) {
        release(append);
        append.result().completeExceptionally(new JournalUnavailableException(reason, failed));
      }
      return;
    }
    database.endWriteTurn();
    if (!availability.get().writable()) {
      LOG.info("Journal takes writes again");
      availability.set(Availability.up());
    }
    batchSizes.record(batch.size());
    boolean anyAccepted = false;
    for (int index = 0; index < batch.size(); index++) {
      release(batch.get(index));
      batch.get(index).result().complete(receipts.get(index));
      anyAccepted |= receipts.get(index).outcome() == Receipt.Outcome.ACCEPTED;
    }
    if (anyAccepted) {
      try {
        afterAcceptedCommit.run();
      } catch (RuntimeException listenerFailed) {
        LOG.warn("After-commit listener failed: {}", listenerFailed.toString());
      }
    }
  }

  private static Receipt write(
      final PreparedStatement insert,
      final PreparedStatement duplicate,
      final Delivery delivery,
      final long now)
      throws SQLException {
    insert.setLong(1, delivery.receivedAtMillis());
    insert.setString(2, delivery.route());
    insert.setString(3, delivery.headersJson());
    insert.setBytes(4, delivery.body());
    insert.setString(5, delivery.bodySha256());
    insert.setString(6, delivery.eventId());
    insert.setString(7, delivery.rejected() ? "rejected" : "pending");
    insert.setString(8, delivery.rejection());
    insert.setLong(9, now);
    insert.setInt(10, Lanes.of(delivery.body()));
    try (ResultSet inserted = insert.executeQuery()) {
      if (inserted.next()) {
        return new Receipt(
            inserted.getLong(1),
            delivery.rejected() ? Receipt.Outcome.REJECTED : Receipt.Outcome.ACCEPTED,
            null);
      }
    }
    duplicate.setLong(1, delivery.receivedAtMillis());
    duplicate.setString(2, delivery.route());
    duplicate.setString(3, delivery.headersJson());
    duplicate.setBytes(4, delivery.body());
    duplicate.setString(5, delivery.bodySha256());
    duplicate.setString(6, delivery.eventId());
    duplicate.setLong(7, now);
    duplicate.setString(8, delivery.bodySha256());
    duplicate.setString(9, delivery.eventId());
    try (ResultSet inserted = duplicate.executeQuery()) {
      inserted.next();
      return new Receipt(inserted.getLong(1), Receipt.Outcome.DUPLICATE, inserted.getLong(2));
    }
  }

  private void probe() {
    database.beginWriteTurn(true);
    try {
      final Connection writer = connection();
      try (PreparedStatement probe = writer.prepareStatement(PROBE)) {
        probe.setLong(1, System.currentTimeMillis());
        probe.executeUpdate();
      }
      writer.commit();
      LOG.info("Journal takes writes again");
      availability.set(Availability.up());
    } catch (SQLException | RuntimeException stillDown) {
      rollbackQuietly();
      closeConnection();
      availability.set(
          new Availability(
              false,
              "the journal database refused the write: " + stillDown.getMessage(),
              availability.get().since()));
    } finally {
      database.endWriteTurn();
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      final Connection opened = database.openWriterConnection();
      try {
        insert = opened.prepareStatement(INSERT_ENTRY);
        insertDuplicate = opened.prepareStatement(INSERT_DUPLICATE);
        commitOrder =
            database.engine() == Engine.POSTGRESQL ? opened.prepareStatement(COMMIT_ORDER) : null;
      } catch (SQLException cannotPrepare) {
        opened.close();
        throw cannotPrepare;
      }
      connection = opened;
    }
    return connection;
  }

  private void rollbackQuietly() {
    if (connection != null) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is discarded next; its transaction dies with it
      }
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        // closing the connection closes its statements too
        connection.close();
      } catch (SQLException ignored) {
        // nothing more can be done with a connection that does not close
      }
      connection = null;
      insert = null;
      insertDuplicate = null;
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

  private record Append(Delivery delivery, CompletableFuture<Receipt> result) {}
}
