package dev.coexist.apply;

import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Partitioning;
import dev.coexist.journal.PendingEntry;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of the {@link Processor}: reads pending entries lane by lane ({@link LaneScheduler}),
 * decodes big ones ahead ({@link Decoding}), applies them in transactions of bounded size ({@link
 * ApplyTransactions}) and takes turns between lanes, so that one number's history import never
 * holds up another number's live messages for more than one short transaction.
 */
final class ApplyStep {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyStep.class);

  private final Database database;
  private final ProcessorSettings settings;
  private final ApplySession session;
  private final Decoding decoding;
  private final LaneScheduler lanes;
  private final ApplyTransactions transactions;
  private final ThreadRefresher refresher;
  private final Wakeups wakeups;
  private final BooleanSupplier closing;
  // per lane, the last entry the current step read (applied or not); see applyAll
  private long[] readUpTo = new long[Partitioning.MAX_LANES];
  // whether the current step read small entries only (live traffic, no history chunk)
  private boolean smallEntriesOnly;

  ApplyStep(
      final Database database,
      final ProcessorSettings settings,
      final ApplySession session,
      final Decoding decoding,
      final LaneScheduler lanes,
      final ApplyTransactions transactions,
      final ThreadRefresher refresher,
      final Wakeups wakeups,
      final BooleanSupplier closing) {
    this.database = database;
    this.settings = settings;
    this.session = session;
    this.decoding = decoding;
    this.lanes = lanes;
    this.transactions = transactions;
    this.refresher = refresher;
    this.wakeups = wakeups;
    this.closing = closing;
  }

  /** Whether the last step read small entries only: live traffic, no history chunk. */
  boolean smallEntriesOnly() {
    return smallEntriesOnly;
  }

  private boolean closing() {
    return closing.getAsBoolean() || wakeups.interrupted();
  }

  /**
   * Applies pending entries until none is left; behind big entries (history chunks) the next read
   * is decoded on the decoder thread while the current one is written.
   */
  Outcome step() {
    try {
      readUpTo = new long[Partitioning.MAX_LANES];
      smallEntriesOnly = false;
      final List<PendingEntry> batch = readNext(readUpTo, -1);
      if (batch == null) {
        return Outcome.REFUSED;
      }
      if (batch.isEmpty()) {
        // thread figures are refreshed when nothing waits; entries another processor is applying
        // still wait, and a refresh now would hold up that processor (the numbers' locks)
        return lanes.sawWork() ? Outcome.NOTHING : refresher.whenQuiet();
      }
      smallEntriesOnly = !decoding.holdsBigEntry(batch);
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
            closing() || !decoding.holdsBigEntry(decodingEntries)
                ? List.of()
                : readNext(readUpTo, -1);
        decodingNow = next == null || next.isEmpty() ? null : decoding.ahead(next);
        if (decodingNow != null) {
          decodingEntries = next;
        }
        final int lane = work.get(0).entry().lane();
        final boolean nextOfSameLane = decodingNow != null && allOfLane(next, lane);
        // other lanes may go between the parts of a big chunk unless the read-ahead holds another
        // lane's entries: they must be applied before that lane's later ones
        final boolean othersBetweenParts = decodingNow == null || nextOfSameLane;
        Outcome done = applyAll(work, othersBetweenParts ? readUpTo : null);
        lanes.release(work, decodingNow == null ? List.of() : next); // nothing of theirs waits
        if (done instanceof Outcome.Handled && decodingNow != null && !closing()) {
          if (!nextOfSameLane) {
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
    }
  }

  private static boolean allOfLane(final List<PendingEntry> entries, final int lane) {
    for (final PendingEntry entry : entries) {
      if (entry.lane() != lane) {
        return false;
      }
    }
    return true;
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
    while (!decodingNow.isDone() && !closing()) {
      // decoding signals when done; the millisecond bounds a signal that came between the check
      // and the wait
      if (wakeups.awaitWake(1)) {
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
    final List<Work> work = decoding.all(other);
    final Outcome done = applyAll(work, null);
    lanes.release(work, List.of());
    return done;
  }

  /** The next entries to apply (see LaneScheduler.next); null when the journal cannot be read. */
  private List<PendingEntry> readNext(final long[] readUpTo, final int skipLane) {
    try {
      final long bytes = quiet() ? settings.quietBytesPerRead() : settings.bytesPerRead();
      return lanes.next(
          session.get(), readUpTo, skipLane, transactions.entriesPerTransaction(), bytes);
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
      // decided per transaction: a read taken while it was quiet is written in the usual
      // transactions as soon as deliveries arrive
      final int most =
          quiet() ? settings.quietMessagesPerTransaction() : settings.messagesPerTransaction();
      while (to < work.size()
          && to - from < transactions.entriesPerTransaction()
          && (to == from || messages + work.get(to).messages() <= most)) {
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
        // the rest of this read is not applied: its lanes' next reads in this step start again
        // from their positions, so that they never read past entries still to apply (each would
        // be read, decoded and then found not to be its lane's next)
        for (final Work unapplied : work.subList(from, work.size())) {
          this.readUpTo[unapplied.entry().lane()] = 0;
        }
        return done.after(handled);
      }
      for (final Work applied : batch) {
        if (!lanes.held(applied.entry().lane())) {
          this.readUpTo[applied.entry().lane()] = 0; // left to the node that took it
        }
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
    while (!closing() && deliveriesArriving()) {
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
    if (closing() || !deliveriesArriving()) {
      return otherLanes(readUpTo, lane);
    }
    final long until = System.nanoTime() + Math.min(2 * took, settings.maxYield().toNanos());
    while (!closing()) {
      final long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      if (wakeups.awaitWake(Math.max(1, left / 1_000_000))) {
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
    if (closing() || !deliveriesArriving()) {
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
    return database.engine() == Engine.SQLITE && wakeups.wokenWithin(settings.ingestActiveWindow());
  }

  /**
   * Whether no deliveries were journalled within the ingest window, on SQLite: nobody waits for a
   * live message, and a backlog is applied in bigger reads and transactions. SQLite's one node
   * journals every delivery itself; on PostgreSQL other nodes journal too, and a node cannot tell
   * from its own journal commits whether deliveries arrive (nor does one transaction fewer matter
   * as much there: another processor applies the other lanes meanwhile).
   */
  private boolean quiet() {
    return database.engine() == Engine.SQLITE
        && !wakeups.wokenWithin(settings.ingestActiveWindow());
  }
}
