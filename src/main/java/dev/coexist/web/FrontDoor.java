package dev.coexist.web;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every client connection comes in here, and it is the only connection selector of the listener, so
 * Helidon hands each connection to it as soon as it is accepted, before reading a byte. Beyond the
 * cap a connection is closed at once (the client sees its connection reset or closed, never a
 * hang); below it the connection is Helidon's HTTP/1 connection, guarded by per-phase timeouts.
 */
public final class FrontDoor implements ServerConnectionSelector, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

  /** A refusal is logged at most this often: a flood must not become a flood of log lines. */
  private static final long REFUSAL_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

  /** The sweep runs often enough to close a connection within a tenth of its timeout... */
  private static final Duration FASTEST_SWEEP = Duration.ofMillis(50);

  /** ...and at least ten times a second, whatever the timeouts (see {@link #CLOSES_PER_SWEEP}). */
  private static final Duration SLOWEST_SWEEP = Duration.ofMillis(100);

  /**
   * The most connections one sweep closes. Clients that connected together time out together (a
   * slowloris wave): closed in one sweep, their closes and reconnects came as one burst that held
   * up every other request for tens of milliseconds; spread over sweeps, they stay apart.
   */
  static final int CLOSES_PER_SWEEP = 100;

  /**
   * Connections accepted past the cap, only to be closed, that may be open at once. Helidon stops
   * accepting while this many more than the cap are open (its own connection limit), so that a
   * burst of connections cannot run the process out of descriptors faster than they are closed;
   * closing one takes microseconds, so a few dozen keep refusals flowing on any number of cores.
   */
  public static final int REFUSAL_SLOTS = 32;

  private final int cap;
  private final ConnectionTimeouts timeouts;
  private final Http1ConnectionSelector http1;
  private final Set<GuardedConnection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong lastRefusalLog =
      new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);
  private final Counter refused;
  private final Counter timedOut;
  private final ScheduledExecutorService sweeper;

  public FrontDoor(final int cap, final ConnectionTimeouts timeouts, final MeterRegistry meters) {
    this.cap = cap;
    this.timeouts = timeouts;
    this.http1 =
        Http1ConnectionSelector.builder()
            .config(
                Http1Config.builder()
                    .addReceiveListener(new RequestListener())
                    .addSendListener(new ResponseListener())
                    .build())
            .build();
    meters.gauge("coexist_http_connections_open", count);
    this.refused =
        Counter.builder("coexist_http_connections_refused")
            .description("Connections closed at once because --max-connections were open")
            .register(meters);
    this.timedOut =
        Counter.builder("coexist_http_connections_timed_out")
            .description("Connections closed because a client overran a phase's timeout")
            .register(meters);
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("connection-timeouts").daemon().factory());
    final long period =
        Math.clamp(
            timeouts.shortest().toMillis() / 10,
            FASTEST_SWEEP.toMillis(),
            SLOWEST_SWEEP.toMillis());
    sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  public int cap() {
    return cap;
  }

  @Override
  public int bytesToIdentifyConnection() {
    // the only selector: Helidon takes it without reading (and so without waiting for) any byte
    return 0;
  }

  @Override
  public Support supports(final BufferData request) {
    return Support.SUPPORTED;
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    return http1.supportedApplicationProtocols();
  }

  @Override
  public ServerConnection connection(final ConnectionContext context) {
    if (count.incrementAndGet() > cap) {
      count.decrementAndGet();
      refused.increment();
      logRefusal();
      context.serverSocket().close();
      return new RefusedConnection();
    }
    final GuardedConnection connection = new GuardedConnection(context, timeouts, this::ended);
    connection.attach(http1.connection(connection));
    open.add(connection);
    return connection;
  }

  /** Releases the connection's place when Helidon is done with it, however it ended. */
  private void ended(final GuardedConnection connection) {
    open.remove(connection);
    count.decrementAndGet();
  }

  private void logRefusal() {
    final long now = System.nanoTime();
    final long last = lastRefusalLog.get();
    if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
      LOG.warn(
          "{} connections are open (--max-connections): new connections are closed at once;"
              + " {} refused so far",
          cap,
          (long) refused.count());
    }
  }

  private void sweep() {
    final long now = System.nanoTime();
    int closes = 0;
    for (final GuardedConnection connection : open) {
      if (closes == CLOSES_PER_SWEEP) {
        return; // the rest are closed by the next sweeps
      }
      // one connection's failure must not spare the connections after it, nor end the sweep: a
      // scheduled task that throws is never run again
      try {
        final Optional<RequestPhase> overdue = connection.overdue(now);
        if (overdue.isPresent()) {
          LOG.debug(
              "Closing connection from {}: {} timed out", connection.remotePeer(), overdue.get());
          timedOut.increment();
          connection.drop();
          closes++;
        }
      } catch (RuntimeException unexpected) {
        LOG.error("Connection timeout sweep failed for one connection", unexpected);
      }
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  /** A connection closed at accept: there is nothing to handle. */
  private static final class RefusedConnection implements ServerConnection {
    @Override
    public void handle(final Limit limit) {
      // the socket is already closed
    }

    @Override
    public Duration idleTime() {
      return Duration.ZERO;
    }

    @Override
    public void close(final boolean interrupt) {
      // nothing open
    }
  }

  /** Moves each connection on as Helidon parses a request. */
  private static final class RequestListener implements Http1ConnectionListener {
    @Override
    public void prologue(final ConnectionContext context, final HttpPrologue prologue) {
      if (context instanceof GuardedConnection connection) {
        connection.requestLineRead();
      }
    }

    @Override
    public void headers(final ConnectionContext context, final Headers headers) {
      if (context instanceof GuardedConnection connection) {
        connection.headersRead();
        if (headers.containsToken(HeaderValues.CONNECTION_CLOSE)) {
          connection.closeAfterResponse();
        }
      }
    }
  }

  /**
   * Moves each connection back to idle as Helidon starts a response, and ends it after a response
   * that says {@code Connection: close}.
   */
  private static final class ResponseListener implements Http1ConnectionListener {
    @Override
    public void status(final ConnectionContext context, final Status status) {
      // an interim answer (100 Continue) comes before the body, not after the request
      if (context instanceof GuardedConnection connection && status.code() >= 200) {
        connection.responding();
      }
    }

    @Override
    public void headers(final ConnectionContext context, final Headers headers) {
      // A handler answers "Connection: close" when it leaves the rest of a body unread (413, or a
      // refused body cut at 64 KB). Helidon sent that answer and then read on: the rest of the body
      // was parsed as the next request (an upload's bytes made a 414, a second answer after the
      // first; bytes that looked like a request would have been served). RFC 9112 §9.6: after
      // sending "close" the server closes, and processes nothing more from that connection.
      if (context instanceof GuardedConnection connection
          && headers.containsToken(HeaderValues.CONNECTION_CLOSE)) {
        connection.closeAfterResponse();
      }
    }
  }
}
