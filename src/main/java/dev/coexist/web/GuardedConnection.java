package dev.coexist.web;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * One client connection as the front door sees it: Helidon's HTTP/1 connection reading through a
 * reader that knows which phase of a request the connection is in, how long it has been in it, and
 * whether it is waiting for the client, and a writer that knows how long the response's current
 * write has been waiting for the client to take its bytes. {@link FrontDoor} closes it when a phase
 * or a write overruns its timeout; HTTP/1.0 request lines are handed to Helidon as HTTP/1.1 (see
 * {@link Http10RequestLine}).
 */
final class GuardedConnection
    implements ServerConnection, ConnectionContext, InterruptableTask<Void> {
  /** Helidon refuses a request line longer than 2 KB by default; past 8 KB it is not one. */
  private static final int REQUEST_LINE_SCAN_LIMIT = 8 * 1024;

  private final ConnectionContext socketContext;
  private final HelidonSocket socket;
  private final ConnectionTimeouts timeouts;

  /**
   * The most a closing connection reads away of a body left unread, and for how long: enough for a
   * body a little over a limit to be read away and its answer to arrive; not so much that refused
   * uploads (unsigned, oversized) cost more than their answer.
   */
  private static final int LINGER_BYTES = 256 * 1024;

  private static final Duration LINGER = Duration.ofSeconds(2);

  private final DataReader reader;
  private final TimedWriter writer;
  private final Consumer<GuardedConnection> ended;
  private volatile ServerConnection http1;
  private volatile RequestPhase phase = RequestPhase.IDLE;
  private volatile long phaseSince = System.nanoTime();
  private volatile long readingSince;
  private volatile boolean scanRequestLine = true;
  private volatile boolean closeAfterResponse;
  private volatile boolean idleClockStarted = true;
  private volatile boolean dropped;
  // when this connection began to read away a body before closing (0: it is not)
  private volatile long lingeringSince;

  GuardedConnection(
      final ConnectionContext socketContext,
      final ConnectionTimeouts timeouts,
      final Consumer<GuardedConnection> ended) {
    this.socketContext = socketContext;
    this.ended = ended;
    this.socket = socketContext.serverSocket();
    this.timeouts = timeouts;
    // Helidon's own reader has not read anything yet when a connection is selected at accept
    this.reader = DataReader.create(this::read);
    this.writer = new TimedWriter(socketContext.dataWriter());
  }

  void attach(final ServerConnection http1) {
    this.http1 = http1;
  }

  private byte[] read() {
    if (closeAfterResponse && phase == RequestPhase.IDLE) {
      // Helidon answers "Connection: close" and then reads on, as if for another request; HTTP/1.0
      // clients, and HTTP/1.1 ones that asked for it, expect the server to close, and after an
      // answer that left a body unread the bytes still coming are that body, not a request. The
      // end of input makes Helidon end the connection and close the socket.
      readAwayBeforeClosing();
      return null;
    }
    final long now = System.nanoTime();
    if (!idleClockStarted && phase == RequestPhase.IDLE) {
      // the first read after a response is when it has been sent in full: a long one (a live
      // feed, an export) must not count as idle time. Set before the read is marked, so that the
      // sweep never sees the read with the old clock.
      phaseSince = now;
      idleClockStarted = true;
    }
    readingSince = now;
    try {
      byte[] bytes = readSocket();
      if (bytes == null) {
        return null;
      }
      if (phase == RequestPhase.IDLE) {
        enter(RequestPhase.REQUEST_LINE);
      }
      if (scanRequestLine) {
        scanRequestLine = false;
        if (Http10RequestLine.mayStartRequest(bytes)) {
          bytes = Http10RequestLine.rewrite(wholeFirstLine(bytes));
        }
      }
      return bytes;
    } finally {
      readingSince = 0;
    }
  }

  /**
   * Before the close, reads away what the client still sends of a body that was left unread (up to
   * {@link #LINGER_BYTES} or {@link #LINGER}): a socket closed with unread bytes is reset by the
   * kernel, and a client still writing its body then loses the answer it was sent — a 413 and its
   * reason became "connection reset" (RFC 9112 §9.6, the "lingering close"). A client that sends
   * nothing more and keeps the connection open is closed by the front door's next look after {@link
   * #LINGER}.
   */
  private void readAwayBeforeClosing() {
    if (lingeringSince != 0) {
      return; // read away already (Helidon's last read, then the end of its loop): once is the
      // bound
    }
    final long start = System.nanoTime();
    long bytes = 0;
    enter(RequestPhase.BODY);
    lingeringSince = start;
    while (bytes < LINGER_BYTES && System.nanoTime() - start < LINGER.toNanos()) {
      readingSince = System.nanoTime();
      final byte[] more;
      try {
        more = socket.get();
      } catch (UncheckedIOException gone) {
        return;
      } finally {
        readingSince = 0;
      }
      if (more == null) {
        return;
      }
      bytes += more.length;
    }
    holdStillSending(start);
  }

  /**
   * A client that is still sending after {@link #LINGER_BYTES} is sending a large body it was
   * refused (an unsigned 8 MB upload): reading on would only pay for it, and closing now would
   * invite it back at once. Its connection is held, unread, until {@link #LINGER} has passed since
   * the read-away began: its writes block on the full socket, at no cost to either side, and then
   * the close resets it. A client sending such a body never got its answer anyway, unless it reads
   * while it writes, and that one has it by now.
   */
  private void holdStillSending(final long since) {
    final long left = LINGER.toNanos() - (System.nanoTime() - since);
    if (left <= 0 || dropped) {
      return;
    }
    try {
      Thread.sleep(Duration.ofNanos(left));
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    }
  }

  /** The bytes read so far plus more, until they hold a line end (or cannot be a request line). */
  private byte[] wholeFirstLine(final byte[] first) {
    if (Http10RequestLine.indexOf(first, (byte) '\n') >= 0) {
      return first;
    }
    final ByteArrayOutputStream line = new ByteArrayOutputStream();
    line.writeBytes(first);
    while (line.size() < REQUEST_LINE_SCAN_LIMIT) {
      final byte[] more = readSocket();
      if (more == null) {
        break;
      }
      line.writeBytes(more);
      if (Http10RequestLine.indexOf(more, (byte) '\n') >= 0) {
        break;
      }
    }
    return line.toByteArray();
  }

  private byte[] readSocket() {
    try {
      return socket.get();
    } catch (UncheckedIOException failed) {
      // as Helidon's own reader does: a broken socket ends the connection quietly
      throw new ServerConnectionException("Failed to get data from socket", failed);
    }
  }

  private void enter(final RequestPhase next) {
    phaseSince = System.nanoTime();
    phase = next;
  }

  void requestLineRead() {
    enter(RequestPhase.HEADERS);
  }

  void headersRead() {
    enter(RequestPhase.BODY);
  }

  /** The response started: what the client sends next is a new request. */
  void responding() {
    idleClockStarted = false;
    enter(RequestPhase.IDLE);
    scanRequestLine = true;
  }

  /**
   * The request or its response says {@code Connection: close} (every HTTP/1.0 request does, see
   * {@link Http10RequestLine}; a response that leaves the body unread does): the connection ends
   * with this exchange. Helidon parses the next request from the bytes it has already read before
   * it asks this reader for more, so refusing to read more is not enough: its loop is told to stop
   * after this request. While it is still reading a request line (its own error answers, after
   * which it ends the connection anyway) that would interrupt the thread writing the answer, so it
   * is left alone then.
   */
  void closeAfterResponse() {
    closeAfterResponse = true;
    final ServerConnection connection = http1;
    if (connection != null
        && !(connection instanceof InterruptableTask<?> task && task.canInterrupt())) {
      connection.close(false);
    }
  }

  /**
   * The phase this connection overran while waiting for the client, if it did; a connection that is
   * not waiting for the client (a handler at work, a live feed waiting for events) overruns
   * nothing; one whose write has waited too long for the client to take its bytes overran {@link
   * RequestPhase#WRITE}.
   */
  Optional<RequestPhase> overdue(final long now) {
    if (dropped) {
      return Optional.empty();
    }
    final long writing = writer.writingSince();
    if (writing != 0 && now - writing > timeouts.write().toNanos()) {
      return Optional.of(RequestPhase.WRITE);
    }
    final long reading = readingSince;
    if (reading == 0) {
      return Optional.empty();
    }
    final long lingering = lingeringSince;
    if (lingering != 0 && now - lingering > LINGER.toNanos()) {
      return Optional.of(RequestPhase.BODY); // a client that neither sends nor closes
    }
    final RequestPhase current = phase;
    final boolean late =
        switch (current) {
          case IDLE -> now - phaseSince > timeouts.idle().toNanos();
          case REQUEST_LINE -> now - phaseSince > timeouts.requestLine().toNanos();
          case HEADERS -> now - phaseSince > timeouts.headers().toNanos();
          case BODY -> now - reading > timeouts.body().toNanos();
          // not a phase a connection is in: only the writer's clock (above) tells
          case WRITE -> false;
        };
    return late ? Optional.of(current) : Optional.empty();
  }

  /**
   * Closes the socket, once: the read or the write it is blocked in fails, and Helidon ends the
   * connection. Until its thread has noticed (a moment, or longer on a busy machine) the connection
   * is still open and still looks overdue; closing it again would throw (Helidon's close starts
   * with a shutdown, which a closed socket refuses) and count it twice.
   */
  void drop() {
    if (dropped) {
      return;
    }
    dropped = true;
    try {
      socket.close();
    } catch (UncheckedIOException alreadyClosed) {
      // the client or Helidon closed it in the meantime: closed is what was wanted
    }
  }

  @Override
  public void handle(final Limit limit) throws InterruptedException {
    try {
      http1.handle(limit);
      if (closeAfterResponse && !dropped) {
        // Helidon's loop ends here after a "close" answer (see closeAfterResponse), without
        // another read; the socket is closed once this returns
        readAwayBeforeClosing();
      }
    } finally {
      ended.accept(this);
    }
  }

  @Override
  public Duration idleTime() {
    return http1.idleTime();
  }

  @Override
  public void close(final boolean interrupt) {
    http1.close(interrupt);
  }

  @Override
  public boolean canInterrupt() {
    return http1 instanceof InterruptableTask<?> task && task.canInterrupt();
  }

  @Override
  public void run() {
    // Helidon runs connections through handle(); this task is only asked canInterrupt()
  }

  @Override
  public Void call() {
    return null;
  }

  @Override
  public DataReader dataReader() {
    return reader;
  }

  @Override
  public DataWriter dataWriter() {
    return writer;
  }

  @Override
  public ListenerContext listenerContext() {
    return socketContext.listenerContext();
  }

  @Override
  public ExecutorService executor() {
    return socketContext.executor();
  }

  @Override
  public Router router() {
    return socketContext.router();
  }

  @Override
  public Optional<ProxyProtocolData> proxyProtocolData() {
    return socketContext.proxyProtocolData();
  }

  @Override
  public HelidonSocket serverSocket() {
    return socket;
  }

  @Override
  public PeerInfo remotePeer() {
    return socketContext.remotePeer();
  }

  @Override
  public PeerInfo localPeer() {
    return socketContext.localPeer();
  }

  @Override
  public boolean isSecure() {
    return socketContext.isSecure();
  }

  @Override
  public String socketId() {
    return socketContext.socketId();
  }

  @Override
  public String childSocketId() {
    return socketContext.childSocketId();
  }
}
