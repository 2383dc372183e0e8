package dev.coexist.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The events one subscription's receiver accepted, in the order it accepted them: per event its
 * {@code webhook-id}, its thread ({@code data.thread_id}), the commit time the change log recorded
 * (its {@code timestamp}) and when it arrived, both in microseconds of the wall clock.
 *
 * <p>Duplicates (the same {@code webhook-id} accepted again: at least once allows it) and events
 * that overtook an earlier one of their thread are counted as they arrive; the figures over time
 * read the first arrival of each event only.
 */
final class ArrivalLog {

  /** Latencies and catch-up times in microseconds, up to two hours, three significant digits. */
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(2);

  /** No thread: the event has no {@code data.thread_id}. */
  static final long NO_THREAD = -1;

  private long[] ids = new long[1_024];
  private long[] threads = new long[1_024];
  private long[] committed = new long[1_024];
  private long[] received = new long[1_024];
  private int size;
  private final Set<Long> seen = new HashSet<>();
  private final Map<Long, Long> highestOfThread = new HashMap<>();
  private final Set<String> wamids = new HashSet<>();
  private long duplicates;
  private long outOfOrder;

  /**
   * Records one accepted event; the order of the calls is the order of arrival.
   *
   * @param wamid the event's {@code data.wamid}, null when it has none
   */
  synchronized void add(
      final long id,
      final long thread,
      final String wamid,
      final long committedMicros,
      final long receivedMicros) {
    if (!seen.add(id)) {
      duplicates++;
      return;
    }
    if (wamid != null) {
      wamids.add(wamid);
    }
    if (thread != NO_THREAD) {
      final Long highest = highestOfThread.get(thread);
      if (highest != null && id < highest) {
        // a later event of the thread was accepted first: the order was not kept
        outOfOrder++;
      } else {
        highestOfThread.put(thread, id);
      }
    }
    if (size == ids.length) {
      final int grown = size * 2;
      ids = Arrays.copyOf(ids, grown);
      threads = Arrays.copyOf(threads, grown);
      committed = Arrays.copyOf(committed, grown);
      received = Arrays.copyOf(received, grown);
    }
    ids[size] = id;
    threads[size] = thread;
    committed[size] = committedMicros;
    received[size] = receivedMicros;
    size++;
  }

  /** Events accepted at least once. */
  synchronized long distinct() {
    return size;
  }

  /** The distinct {@code data.wamid}s of the events accepted. */
  synchronized Set<String> wamids() {
    return Set.copyOf(wamids);
  }

  /** Acceptances of an event already accepted before. */
  synchronized long duplicates() {
    return duplicates;
  }

  /**
   * First arrivals of an event whose {@code webhook-id} is lower than one of its thread accepted
   * before: the thread's order was broken.
   */
  synchronized long outOfOrder() {
    return outOfOrder;
  }

  /** Threads the events belonged to. */
  synchronized long threads() {
    return highestOfThread.size();
  }

  /** When the first event arrived, or -1 when none did. */
  synchronized long firstArrivalMicros() {
    long first = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      first = Math.min(first, received[i]);
    }
    return size == 0 ? -1 : first;
  }

  /** When the last event first arrived, or -1 when none did. */
  synchronized long lastArrivalMicros() {
    long last = -1;
    for (int i = 0; i < size; i++) {
      last = Math.max(last, received[i]);
    }
    return last;
  }

  /** Events that first arrived in {@code [fromMicros, toMicros)}. */
  synchronized long arrivedBetween(final long fromMicros, final long toMicros) {
    long count = 0;
    for (int i = 0; i < size; i++) {
      if (received[i] >= fromMicros && received[i] < toMicros) {
        count++;
      }
    }
    return count;
  }

  /** Commit → first arrival of the events committed at or after {@code committedFromMicros}. */
  synchronized Histogram latencyMicros(final long committedFromMicros) {
    final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    for (int i = 0; i < size; i++) {
      if (committed[i] >= committedFromMicros) {
        latency.recordValue(clamp(received[i] - committed[i]));
      }
    }
    return latency;
  }

  /**
   * For the events committed before {@code backMicros} that had not arrived by then: how long after
   * {@code backMicros} each first arrived. Its maximum is the time the receiver took to catch up.
   */
  synchronized Histogram catchUpMicros(final long backMicros) {
    final Histogram catchUp = new Histogram(HIGHEST_MICROS, 3);
    for (int i = 0; i < size; i++) {
      if (committed[i] < backMicros && received[i] >= backMicros) {
        catchUp.recordValue(clamp(received[i] - backMicros));
      }
    }
    return catchUp;
  }

  /** Events committed in {@code [fromMicros, toMicros)} that have arrived. */
  synchronized long committedBetween(final long fromMicros, final long toMicros) {
    long count = 0;
    for (int i = 0; i < size; i++) {
      if (committed[i] >= fromMicros && committed[i] < toMicros) {
        count++;
      }
    }
    return count;
  }

  private static long clamp(final long micros) {
    return Math.min(HIGHEST_MICROS, Math.max(0, micros));
  }
}
