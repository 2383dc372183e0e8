package dev.coexist.apply;

import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.PendingEntry;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apply transactions: entries of one lane or of several (a gathered read of live lanes), decoded,
 * written in one transaction with their lanes' positions in the journal ({@link JournalQueue},
 * {@link LanePositions}), the threads they touched ({@link DirtyThreads}) and their problems. A
 * read is first applied in one go, without savepoints; should anything fail, it is rolled back and
 * applied entry by entry, each under its own savepoint: an entry that cannot be applied is marked
 * failed with its error and the others go on, so the queue never gets stuck.
 */
final class ApplyTransactions {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyTransactions.class);

  private final Database database;
  private final ApplySession session;
  private final JournalQueue queue;
  private final LaneScheduler lanes;
  private final ProcessorSettings settings;
  private final Consumer<List<StoreChange>> publish;
  private final ApplyMeters meters;
  // after a transaction of several entries failed as a whole, entries go one at a time until one
  // commits, so that the one at fault is found
  private int entriesPerTransaction = Integer.MAX_VALUE;
  private long failingEntry = -1;
  private int failingTries;
  private long lastTransactionNanos;
  private boolean lastTransactionWasBulk;

  ApplyTransactions(
      final Database database,
      final ApplySession session,
      final JournalQueue queue,
      final LaneScheduler lanes,
      final ProcessorSettings settings,
      final Consumer<List<StoreChange>> publish,
      final MeterRegistry meters) {
    this.database = database;
    this.session = session;
    this.queue = queue;
    this.lanes = lanes;
    this.settings = settings;
    this.publish = publish;
    this.meters = new ApplyMeters(meters, settings.claimBytes());
  }

  /** The most entries the next transaction may hold. */
  int entriesPerTransaction() {
    return entriesPerTransaction;
  }

  long lastTransactionNanos() {
    return lastTransactionNanos;
  }

  boolean lastTransactionWasBulk() {
    return lastTransactionWasBulk;
  }

  /** SQLite: the words of the messages the transaction wrote, indexed before it commits. */
  private void indexWords(final WriteSession writer) throws SQLException {
    if (database.engine() == Engine.SQLITE) {
      SearchIndex.write(writer);
    }
  }

  /**
   * Applies entries in one transaction: those of the lanes this node still holds (the others are
   * left to the node that took them).
   */
  Outcome apply(final List<Work> read) {
    final long started = System.nanoTime();
    final ApplyTally tally = new ApplyTally();
    final List<StoreChange> changes;
    List<Work> batch = read;
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session.get();
      Map<Integer, Long> positions = begin(writer, batch);
      batch = held(batch, positions);
      if (batch.isEmpty()) {
        database.endWriteTurn();
        return Outcome.LANE_TAKEN;
      }
      final InOneGo first = inOneGo(writer, positions, batch, tally);
      if (first == InOneGo.ROLLED_BACK) {
        positions = begin(writer, batch);
        batch = held(batch, positions);
        if (batch.isEmpty()) {
          database.endWriteTurn();
          return Outcome.LANE_TAKEN; // the node that took them meanwhile applies the entries
        }
      }
      if (first != InOneGo.APPLIED) {
        entryByEntry(writer, batch, tally);
      }
      DirtyThreads.list(
          writer, writer.touchedThreads(), tally.messages() > settings.bulkMessages());
      writer.touchedThreads().clear();
      changes = tally.changes();
      ChangeWriter.write(writer, changes);
      indexWords(writer);
      writer.commit();
    } catch (SQLException | RuntimeException refused) {
      session.discard();
      database.endWriteTurn();
      meters.undone(batch);
      return refused(batch, refused);
    }
    database.endWriteTurn();
    lastTransactionNanos = System.nanoTime() - started;
    lastTransactionWasBulk = tally.messages() > settings.bulkMessages();
    entriesPerTransaction = Integer.MAX_VALUE;
    failingEntry = -1;
    meters.committed(tally, System.nanoTime() - started);
    publish.accept(changes);
    return new Outcome.Handled(batch.size());
  }

  /**
   * Starts the transaction: takes the lanes of the entries (the positions of those this node still
   * holds), then waits for the locks of the numbers whose rows their entries write.
   */
  private Map<Integer, Long> begin(final WriteSession writer, final List<Work> batch)
      throws SQLException {
    final Set<Integer> wanted = new TreeSet<>();
    for (final Work work : batch) {
      wanted.add(work.entry().lane());
    }
    final Map<Integer, Long> positions = lanes.take(writer, wanted);
    if (!positions.isEmpty()) {
      NumberLocks.take(writer, NumberLocks.of(held(batch, positions)));
    }
    return positions;
  }

  /** The entries of the lanes the transaction took. */
  private static List<Work> held(final List<Work> batch, final Map<Integer, Long> positions) {
    final List<Work> held = new ArrayList<>(batch.size());
    for (final Work work : batch) {
      if (positions.containsKey(work.entry().lane())) {
        held.add(work);
      }
    }
    return held.size() == batch.size() ? batch : held;
  }

  /** What became of the attempt to apply a read in one go. */
  private enum InOneGo {
    APPLIED,
    /** Not the lane's next entries (a replay, or entries before them still to apply). */
    NOT_NEXT,
    /** Something failed: the transaction was rolled back, and the lane with it. */
    ROLLED_BACK
  }

  /**
   * Applies a read that is its lanes' next, as their positions show it once for all of its entries,
   * without savepoints (neither the entries' nor their events'), recording their outcomes and the
   * lanes' new positions with one update and one batch. A read of small live deliveries costs a few
   * statements per transaction instead of a dozen per entry, and under a savepoint SQLite would
   * first copy every page an entry changes to its statement journal (a tenth of a history chunk's
   * insert). Should anything fail, the whole transaction is rolled back, and the caller applies the
   * read entry by entry, each event under a savepoint, recording what fails.
   */
  private InOneGo inOneGo(
      final WriteSession writer,
      final Map<Integer, Long> positions,
      final List<Work> batch,
      final ApplyTally tally)
      throws SQLException {
    final List<PendingEntry> entries = new ArrayList<>(batch.size());
    for (final Work work : batch) {
      entries.add(work.entry());
    }
    final Map<Integer, List<PendingEntry>> lanesRead = LanePositions.byLane(entries);
    if (!LanePositions.areNext(writer, positions, lanesRead)) {
      return InOneGo.NOT_NEXT;
    }
    final List<JournalQueue.Done> done = new ArrayList<>(batch.size());
    if (!NumberWriter.showsNumbers(batch)) {
      writer.gatherNumbers();
    }
    writer.holdMessages();
    try {
      for (final Work work : batch) {
        final PendingEntry entry = work.entry();
        if (work.error() != null) {
          LOG.warn("Journal entry {} cannot be applied: {}", entry.id(), work.error());
          done.add(new JournalQueue.Done(entry, work.error()));
          tally.failed(entry, work.error());
          continue;
        }
        final DeliveryApplier.Applied result =
            DeliveryApplier.apply(
                writer, entry, work.decoded(), work.contents(), work.fromThread(), false, true);
        done.add(new JournalQueue.Done(entry, null));
        tally.applied(entry, result);
      }
      writer.endHolding();
      NumberWriter.flush(writer);
      if (LanePositions.advance(writer, positions, lanesRead)) {
        queue.recordAll(writer.connection(), done);
        return InOneGo.APPLIED;
      }
    } catch (SQLException | RuntimeException failed) {
      LOG.debug(
          "{} entries from {} failed as a whole, applying them one by one: {}",
          batch.size(),
          entries.get(0).id(),
          failed.toString());
    }
    writer.rollback();
    tally.clear();
    meters.undone(batch);
    return InOneGo.ROLLED_BACK;
  }

  /**
   * Applies the entries one by one, each under a savepoint (and each event under one of its own):
   * an entry that cannot be applied is marked failed with its error and the others go on; an entry
   * that is not the lane's next any more is left for a later read.
   */
  private void entryByEntry(
      final WriteSession writer, final List<Work> batch, final ApplyTally tally)
      throws SQLException {
    for (final Work work : batch) {
      final PendingEntry entry = work.entry();
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
                  writer, entry, work.decoded(), work.contents(), work.fromThread(), true, false);
          if (!queue.markApplied(writer.connection(), entry)) {
            // not the lane's next any more: it is applied in its turn, by a later read
            writer.rollbackTo(savepoint);
            continue;
          }
          writer.release(savepoint);
          tally.applied(entry, result);
          continue;
        } catch (SQLException | RuntimeException cannotApply) {
          writer.rollbackTo(savepoint);
          error = "cannot apply: " + DeliveryApplier.describe(cannotApply);
          LOG.warn("Journal entry {} cannot be applied: {}", entry.id(), error, cannotApply);
        }
      } else {
        LOG.warn("Journal entry {} cannot be applied: {}", entry.id(), error);
      }
      if (!queue.markFailed(writer.connection(), entry, error)) {
        writer.rollbackTo(savepoint);
        continue;
      }
      writer.release(savepoint);
      tally.failed(entry, error);
    }
  }

  /**
   * Writes threads {@code [from, to)} of a big history chunk in a transaction of their own (see
   * Processor.leadingParts). Handled with the messages written, {@link Outcome#LANE_TAKEN}, or
   * {@link Outcome#REFUSED} when the entry is not pending any more or the part failed (the chunk's
   * own transaction then decides).
   */
  Outcome part(final Work work, final HistoryChunk chunk, final int from, final int to) {
    final long started = System.nanoTime();
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session.get();
      if (begin(writer, List.of(work)).isEmpty()) {
        return Outcome.LANE_TAKEN;
      }
      if (!queue.isPending(writer.connection(), work.entry())) {
        writer.rollback();
        return Outcome.REFUSED;
      }
      final int messages =
          DeliveryApplier.applyThreads(writer, work.entry(), chunk, from, to, work.contents());
      DirtyThreads.list(writer, writer.touchedThreads(), true);
      writer.touchedThreads().clear();
      indexWords(writer);
      writer.commit();
      meters.partCommitted(messages, System.nanoTime() - started);
      return new Outcome.Handled(messages);
    } catch (SQLException | RuntimeException failed) {
      // the chunk's own transaction applies these threads again and records what fails
      LOG.debug("A part of journal entry {} failed: {}", work.entry().id(), failed.toString());
      session.discard();
      meters.undone(List.of(work));
      return Outcome.REFUSED;
    } finally {
      database.endWriteTurn();
    }
  }

  /**
   * A transaction failed as a whole (database locked or gone, or an entry that breaks the
   * connection): retry entry by entry, and set aside an entry that keeps failing on its own, so one
   * poisonous delivery never stops the queue.
   */
  private Outcome refused(final List<Work> batch, final Exception refused) {
    LOG.warn(
        "Apply transaction of {} entries from {} refused: {}",
        batch.size(),
        batch.get(0).entry().id(),
        refused.getMessage());
    if (batch.size() > 1) {
      entriesPerTransaction = 1;
      return Outcome.REFUSED;
    }
    final long id = batch.get(0).entry().id();
    failingTries = failingEntry == id ? failingTries + 1 : 1;
    failingEntry = id;
    if (failingTries < settings.transactionTries()) {
      return Outcome.REFUSED;
    }
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session.get();
      final String error =
          "cannot apply: the transaction failed "
              + failingTries
              + " times: "
              + DeliveryApplier.describe(refused);
      if (!lanes.take(writer, List.of(batch.get(0).entry().lane())).isEmpty()
          && queue.markFailed(writer.connection(), batch.get(0).entry(), error)) {
        ChangeWriter.write(writer, List.of(StoreChange.failed(id, error)));
        writer.commit();
        meters.failed();
        failingEntry = -1;
        entriesPerTransaction = Integer.MAX_VALUE;
        return new Outcome.Handled(1);
      }
      writer.rollback();
    } catch (SQLException | RuntimeException stillRefused) {
      session.discard();
    } finally {
      database.endWriteTurn();
    }
    return Outcome.REFUSED;
  }
}
