package dev.coexist.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The history imports of a cluster run: each number's chunks spread evenly over a window, posted to
 * the nodes in turn, from the customers that write live.
 */
final class ClusterImports {
  // history chunks of 10 threads of 20 messages, from 40 customers
  private static final int CHUNK_THREADS = 10;
  private static final int CHUNK_MESSAGES = 20;

  /** Which chunks an import sends (their history phase), how many, over how long, from when. */
  record Pace(int phase, int chunks, Duration window, long start) {}

  private ClusterImports() {}

  /** The history imports of {@code importing}, one virtual thread each. */
  static List<Thread> start(
      final ClusterNodes nodes,
      final List<String> importing,
      final Pace pace,
      final AtomicLong acknowledged) {
    final List<Thread> imports = new ArrayList<>();
    for (int number = 0; number < importing.size(); number++) {
      final HistoryChunks history =
          new HistoryChunks(
              importing.get(number),
              CHUNK_THREADS,
              CHUNK_MESSAGES,
              CHUNK_THREADS * 4,
              LiveDeliveries.customerPrefix(number));
      imports.add(
          Thread.ofVirtual().start(() -> importHistory(nodes, history, pace, acknowledged)));
    }
    return imports;
  }

  /** The chunks of a number's history, spread evenly over the window, to the nodes in turn. */
  private static void importHistory(
      final ClusterNodes nodes,
      final HistoryChunks history,
      final Pace pace,
      final AtomicLong acknowledged) {
    final long interval = pace.window().toNanos() / pace.chunks();
    final List<HttpConnection> connections = new ArrayList<>();
    final List<byte[]> heads = new ArrayList<>();
    for (final LoopbackEndpoint endpoint : nodes.endpoints()) {
      connections.add(new HttpConnection(endpoint.address(), 30_000));
      heads.add(endpoint.postHeadPrefix("/webhooks/360dialog"));
    }
    try {
      for (int chunk = 1; chunk <= pace.chunks(); chunk++) {
        LockSupport.parkNanos(pace.start() + (chunk - 1) * interval - System.nanoTime());
        final byte[] body =
            history.chunk(pace.phase(), chunk, Math.min(99, chunk * 100 / pace.chunks()));
        final int node = chunk % connections.size();
        try {
          if (connections.get(node).post(heads.get(node), body, body.length) == 200) {
            acknowledged.incrementAndGet();
          }
        } catch (IOException refused) {
          // counted as not acknowledged: the report shows sent against acknowledged
        }
      }
    } finally {
      connections.forEach(HttpConnection::close);
    }
  }
}
