package dev.coexist.changes;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kept-alive connections to the subscriptions' origins: a delivery takes an idle one or opens
 * one, and gives it back when the answer leaves it usable. A connection idle for longer than {@link
 * #MAX_IDLE} is not used again (receivers close theirs: Node.js after 5 s), and a delivery that
 * finds its reused connection closed by the receiver goes once more on a new one.
 */
final class OutboundConnections implements AutoCloseable {
  private static final Duration MAX_IDLE = Duration.ofSeconds(4);
  private static final int IDLE_PER_ORIGIN = 64;

  /** Where connections go: scheme, host and port. */
  record Origin(boolean tls, String host, int port) {
    static Origin of(final URI target) {
      final boolean tls = target.getScheme().toLowerCase(Locale.ROOT).equals("https");
      final int port = target.getPort() >= 0 ? target.getPort() : tls ? 443 : 80;
      return new Origin(tls, target.getHost(), port);
    }

    /** The {@code Host} header: the port only when it is not the scheme's own. */
    String hostHeader() {
      return port == (tls ? 443 : 80) ? host : host + ":" + port;
    }
  }

  /** A delivery that overran its time: its socket was closed under it. */
  static final class Overran extends IOException {
    Overran(final Duration timeout) {
      super("no answer within " + timeout);
    }
  }

  private final Duration connectTimeout;
  private final boolean allowPrivate;
  private final Map<Origin, Deque<OutboundConnection>> idle = new ConcurrentHashMap<>();
  private volatile boolean closed;
  // closes the socket of a delivery that overran: a write blocked on a receiver that reads nothing
  // has no timeout of its own
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(
          work -> Thread.ofPlatform().name("webhook-deadlines").daemon().unstarted(work));

  OutboundConnections(final Duration connectTimeout, final boolean allowPrivate) {
    this.connectTimeout = connectTimeout;
    this.allowPrivate = allowPrivate;
  }

  /**
   * Sends {@code head} and {@code body} to {@code origin}, on an idle connection or a new one.
   *
   * @throws Overran when no answer came within {@code timeout}
   */
  OutboundConnection.Answer send(
      final Origin origin, final byte[] head, final byte[] body, final Duration timeout)
      throws IOException {
    if (closed) {
      throw new IOException("the forwarder is stopping");
    }
    final OutboundConnection reused = takeIdle(origin);
    if (reused != null) {
      try {
        return exchange(origin, reused, head, body, timeout);
      } catch (Overran overran) {
        throw overran;
      } catch (IOException closedMeanwhile) {
        // most likely the receiver closed it while it was idle: once more, on a new one. Not
        // when the forwarder is stopping: its socket was closed under it (an interrupted virtual
        // thread's is), the receiver may have the request, and a new connection would send it
        // again (on loopback, connect and write complete before the interrupt is noticed)
        if (closed || Thread.currentThread().isInterrupted()) {
          throw closedMeanwhile;
        }
      }
    }
    return exchange(origin, open(origin), head, body, timeout);
  }

  private OutboundConnection.Answer exchange(
      final Origin origin,
      final OutboundConnection connection,
      final byte[] head,
      final byte[] body,
      final Duration timeout)
      throws IOException {
    final AtomicBoolean overran = new AtomicBoolean();
    final ScheduledFuture<?> guard =
        deadlines.schedule(
            () -> {
              overran.set(true);
              connection.close();
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    boolean keep = false;
    try {
      final OutboundConnection.Answer answer = connection.exchange(head, body, timeout);
      keep = answer.keepAlive();
      return answer;
    } catch (IOException failed) {
      if (overran.get() || OutboundConnection.timedOut(failed)) {
        throw new Overran(timeout);
      }
      throw failed;
    } finally {
      guard.cancel(false);
      if (keep && !overran.get()) {
        giveBack(origin, connection);
      } else {
        connection.close();
      }
    }
  }

  private OutboundConnection open(final Origin origin) throws IOException {
    final InetAddress[] addresses =
        allowPrivate
            ? InetAddress.getAllByName(origin.host())
            : TargetAddress.publicAddresses(origin.host());
    IOException last = null;
    for (final InetAddress address : addresses) {
      try {
        return OutboundConnection.open(
            origin.tls(), origin.host(), address, origin.port(), connectTimeout);
      } catch (IOException failed) {
        last = failed;
      }
    }
    throw last != null ? last : new ConnectException(origin.host() + " has no address");
  }

  private OutboundConnection takeIdle(final Origin origin) {
    final Deque<OutboundConnection> waiting = idle.get(origin);
    if (waiting == null) {
      return null;
    }
    final long now = System.nanoTime();
    while (true) {
      final OutboundConnection connection;
      synchronized (waiting) {
        connection = waiting.pollFirst();
      }
      if (connection == null) {
        return null;
      }
      if (connection.idleNanos(now) < MAX_IDLE.toNanos()) {
        return connection;
      }
      connection.close();
    }
  }

  private void giveBack(final Origin origin, final OutboundConnection connection) {
    final Deque<OutboundConnection> waiting =
        idle.computeIfAbsent(origin, key -> new ArrayDeque<>());
    synchronized (waiting) {
      if (waiting.size() < IDLE_PER_ORIGIN) {
        // the most recently used first: the warm ones stay in use, the rest age out
        waiting.addFirst(connection);
        return;
      }
    }
    connection.close();
  }

  @Override
  public void close() {
    closed = true;
    deadlines.shutdownNow();
    for (final Deque<OutboundConnection> waiting : idle.values()) {
      synchronized (waiting) {
        waiting.forEach(OutboundConnection::close);
        waiting.clear();
      }
    }
  }
}
