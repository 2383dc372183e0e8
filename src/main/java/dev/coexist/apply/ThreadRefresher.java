package dev.coexist.apply;

import dev.coexist.db.Database;
import dev.coexist.store.ThreadView;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings thread figures (counts, unread, last message) up to date. The threads that wait for it are
 * listed in {@code dirty_threads} by the transaction that touched them (see {@link DirtyThreads}),
 * so the list survives any crash. Recomputing costs in proportion to a thread's size, so it is not
 * done in every apply transaction: under a stream of live deliveries one short refresh transaction
 * goes between two apply transactions every {@link ProcessorSettings#threadRefreshEvery()}, so that
 * the figures move on while a live message waits for one such transaction at most; whenever the
 * queue runs empty more are refreshed, so a quiet store is always exact. Threads touched by a
 * history chunk only are listed as bulk: they come after the threads of live messages, and while
 * deliveries arrive they are taken once per {@link ProcessorSettings#bulkRefreshEvery()} only (an
 * import's threads are big, and recounting them held up the live messages of their numbers). One
 * processor of a node refreshes at a time, so that the other one keeps applying.
 */
final class ThreadRefresher {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadRefresher.class);

  private final Database database;
  private final ApplySession session;
  private final ProcessorSettings settings;
  private final LaneClaims node;
  private final BooleanSupplier arriving;
  private final Consumer<List<StoreChange>> publish;
  private long refreshedAt = System.nanoTime();
  private long bulkRefreshedAt = System.nanoTime();
  // drain() brings every figure up to date before it returns, arriving deliveries or not
  private volatile boolean draining;

  /**
   * @param node shared by the node's processors: one of them refreshes at a time
   * @param arriving whether deliveries are being journalled: a refresh then gives way to them
   * @param publish told the threads each refresh commit brought up to date
   */
  ThreadRefresher(
      final Database database,
      final ApplySession session,
      final ProcessorSettings settings,
      final LaneClaims node,
      final BooleanSupplier arriving,
      final Consumer<List<StoreChange>> publish) {
    this.database = database;
    this.session = session;
    this.settings = settings;
    this.node = node;
    this.arriving = arriving;
    this.publish = publish;
  }

  /**
   * Nothing is pending: bring listed threads up to date, one short transaction's worth while
   * deliveries arrive (the next read applies what came meanwhile), {@link
   * ProcessorSettings#threadsPerRefresh()} otherwise. {@link Outcome#REFRESHED} when threads were
   * refreshed, {@link Outcome#NOTHING} when none is listed (or every listed one is being refreshed
   * elsewhere), {@link Outcome#REFUSED} when the database refused.
   */
  Outcome whenQuiet() {
    try {
      final WriteSession writer = session.get();
      final boolean any = DirtyThreads.any(writer);
      writer.commit(); // ends the read: a write transaction must start with its write
      if (!any) {
        return Outcome.NOTHING;
      }
    } catch (SQLException unreadable) {
      LOG.warn("Cannot read the threads to refresh, retrying: {}", unreadable.getMessage());
      session.discard();
      return Outcome.REFUSED;
    }
    final int refreshed =
        !draining && arriving.getAsBoolean()
            ? refresh(settings.threadsPerRefreshTransaction(), bulkDue())
            : refresh(settings.threadsPerRefresh(), true);
    return refreshed > 0 ? Outcome.REFRESHED : refreshed == 0 ? Outcome.NOTHING : Outcome.REFUSED;
  }

  /** While {@code draining}, a refresh when nothing is pending takes every listed thread. */
  void draining(final boolean draining) {
    this.draining = draining;
  }

  /** After an apply transaction: one short refresh transaction when one is due. */
  void ifDue() {
    if (System.nanoTime() - refreshedAt >= settings.threadRefreshEvery().toNanos()) {
      refresh(settings.threadsPerRefreshTransaction(), bulkDue());
    }
  }

  /** Whether a refresh while deliveries arrive may take the threads of history imports too. */
  private boolean bulkDue() {
    return System.nanoTime() - bulkRefreshedAt >= settings.bulkRefreshEvery().toNanos();
  }

  /**
   * One refresh transaction of up to {@code most} listed threads, unless another processor of the
   * node is refreshing; how many were refreshed, -1 when the database refused.
   *
   * @param withBulk the threads of history imports too
   */
  private int refresh(final int most, final boolean withBulk) {
    if (!node.startRefresh()) {
      return 0;
    }
    try {
      if (withBulk) {
        bulkRefreshedAt = System.nanoTime();
      }
      return refreshSome(most, withBulk);
    } finally {
      node.endRefresh();
    }
  }

  /**
   * The listed threads whose numbers' locks this transaction got without waiting (see {@link
   * NumberLocks}): the others' numbers are being written, and their threads wait for a later
   * refresh.
   */
  private static List<DirtyThreads.Listed> lockedNumbers(
      final WriteSession writer, final List<DirtyThreads.Listed> listed) throws SQLException {
    final Set<String> numbers = new HashSet<>();
    for (final DirtyThreads.Listed thread : listed) {
      if (thread.number() != null) {
        numbers.add(thread.number());
      }
    }
    final Set<String> locked = NumberLocks.tryTake(writer, numbers);
    if (locked.size() == numbers.size()) {
      return listed;
    }
    final List<DirtyThreads.Listed> free = new ArrayList<>(listed.size());
    for (final DirtyThreads.Listed thread : listed) {
      if (thread.number() == null || locked.contains(thread.number())) {
        free.add(thread);
      }
    }
    return free;
  }

  /**
   * One refresh transaction of up to {@code most} listed threads: their figures are recomputed and
   * they are unlisted in the same transaction. Returns how many, -1 when the database refused.
   */
  private int refreshSome(final int most, final boolean withBulk) {
    final List<StoreChange> changed = new ArrayList<>();
    final List<DirtyThreads.Listed> threads;
    database.beginWriteTurn(false);
    try {
      final WriteSession writer = session.get();
      writer.beginWrite();
      threads = lockedNumbers(writer, DirtyThreads.take(writer, most, withBulk));
      final List<Long> ids = new ArrayList<>(threads.size());
      for (final DirtyThreads.Listed listed : threads) {
        writer.touch(listed.thread());
        ids.add(listed.thread());
      }
      ThreadFigures.refreshThreads(writer);
      // the threads as the thread list now shows them, read back with one statement for all
      final Map<Long, ThreadView> shown = writer.reads().threads(writer, ids);
      for (final DirtyThreads.Listed listed : threads) {
        changed.add(
            StoreChange.thread(listed.number(), listed.thread(), shown.get(listed.thread())));
      }
      DirtyThreads.unlist(writer, ids);
      ChangeWriter.write(writer, changed);
      writer.commit();
    } catch (SQLException | RuntimeException refused) {
      LOG.warn("Refreshing up to {} threads refused: {}", most, refused.getMessage());
      session.discard();
      return -1;
    } finally {
      database.endWriteTurn();
    }
    refreshedAt = System.nanoTime();
    publish.accept(changed);
    return threads.size();
  }
}
