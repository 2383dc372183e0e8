package dev.coexist.apply;

import dev.coexist.coexistence.CoexistenceEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * One business number's rows (its customers, threads, listed threads, messages) are written by one
 * transaction at a time across all nodes (PostgreSQL): every transaction that writes them first
 * takes the number's lock, held to its commit. A number's live lane and history lane may be held by
 * two nodes, and the thread refresh of any node writes any number's threads: without the lock their
 * transactions took the same customer and thread rows in opposite orders and deadlocked (an apply
 * inserts customers in the order of its messages, then lists threads; a refresh locks listed
 * threads, then updates threads). Applies wait for the lock, taking several in one fixed order (the
 * key's), so they never deadlock on it; a refresh takes only what it gets without waiting, and
 * leaves the other numbers' threads listed for a later refresh. SQLite has one writer: no locks.
 */
final class NumberLocks {
  /** The first key of the two-key advisory locks (the second is a number's {@link #key}). */
  static final int LOCK_CLASS = 0x436f6e4e;

  private NumberLocks() {}

  /**
   * A number's lock key. Two numbers may share one (they then take turns, which costs nothing but a
   * wait); the key is defined by the string's {@code hashCode}, which Java specifies.
   */
  static int key(final String number) {
    return number.hashCode();
  }

  /** The numbers whose rows the entries may write (those their events name). */
  static Set<String> of(final Collection<Work> batch) {
    final Set<String> numbers = new HashSet<>();
    for (final Work work : batch) {
      if (work.decoded() == null) {
        continue;
      }
      for (final CoexistenceEvent event : work.decoded().events()) {
        if (event.origin().phoneNumberId() != null) {
          numbers.add(event.origin().phoneNumberId());
        }
      }
    }
    return numbers;
  }

  /** Waits for the locks of these numbers, in key order. */
  static void take(final WriteSession session, final Collection<String> numbers)
      throws SQLException {
    final String lock = session.dialect().lockNumbers;
    if (lock == null || numbers.isEmpty()) {
      return;
    }
    final PreparedStatement take = session.prepare(lock);
    take.setString(1, keys(numbers));
    try (ResultSet locked = take.executeQuery()) {
      while (locked.next()) {
        // each row is one lock taken
      }
    }
  }

  /** Of these numbers, those whose locks were free and are now this transaction's. */
  static Set<String> tryTake(final WriteSession session, final Collection<String> numbers)
      throws SQLException {
    final String tryLock = session.dialect().tryLockNumbers;
    if (tryLock == null || numbers.isEmpty()) {
      return Set.copyOf(numbers);
    }
    final PreparedStatement take = session.prepare(tryLock);
    take.setString(1, keys(numbers));
    final Set<Integer> got = new HashSet<>();
    try (ResultSet locked = take.executeQuery()) {
      while (locked.next()) {
        got.add(locked.getInt(1));
      }
    }
    final Set<String> taken = new HashSet<>();
    for (final String number : numbers) {
      if (got.contains(key(number))) {
        taken.add(number);
      }
    }
    return taken;
  }

  /** The numbers' distinct keys in ascending order, as an integer array literal. */
  private static String keys(final Collection<String> numbers) {
    final Set<Integer> keys = new TreeSet<>();
    for (final String number : numbers) {
      keys.add(key(number));
    }
    return SqlArrays.of(keys);
  }
}
