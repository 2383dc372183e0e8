package dev.coexist.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hostile clients of the abuse scenario, each on a virtual thread of its own, all against
 * 127.0.0.1 only: slowloris connections that send their headers one byte a second, unsigned uploads
 * of 8 MB sent again as soon as they are refused, and connections that open and send nothing. Each
 * reconnects when the server closes it, until the deadline; they all stop by themselves then, and
 * {@link #stop} closes whatever is still open.
 */
final class Abusers {

  private static final Logger LOG = LoggerFactory.getLogger(Abusers.class);

  /** The abuse of the scenario, as the targets were set for it. */
  record Shape(int slowloris, int uploads, long uploadBytes, int stalled) {
    static final Shape DEFAULT = new Shape(2_000, 200, 8_000_000, 50);

    int connections() {
      return slowloris + uploads + stalled;
    }
  }

  /** What the abusers did and what the server did to them. */
  record Tally(
      Shape shape,
      long connectsOpened,
      long connectsFailed,
      long slowlorisClosedByServer,
      long stalledClosedByServer,
      long uploadsSent,
      Map<Integer, Long> uploadStatuses,
      long uploadErrors) {}

  /** Slowloris sends one byte of its headers this often. */
  private static final Duration DRIP = Duration.ofSeconds(1);

  /** Connections are opened over this long, not in one burst that the accept queue would drop. */
  private static final Duration RAMP = Duration.ofSeconds(2);

  /** An unanswered upload is given up after this; the server's own read timeout is 20 s. */
  private static final int UPLOAD_READ_TIMEOUT_MILLIS = 30_000;

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** Pause after a failed connect or upload, so a refusing server does not become a busy loop. */
  private static final long BACKOFF_NANOS = 100_000_000L;

  /** Joining the threads after {@link #stop} waits at most this long. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

  private final Shape shape;
  private final LoopbackEndpoint endpoint;
  private final long deadline;
  private final byte[] uploadBody;
  private final byte[] uploadHead;
  private final byte[] slowRequestLine;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong slowClosed = new AtomicLong();
  private final AtomicLong stalledClosed = new AtomicLong();
  private final AtomicLong uploadsSent = new AtomicLong();
  private final AtomicLong uploadErrors = new AtomicLong();
  private final Map<Integer, AtomicLong> uploadStatuses = new ConcurrentHashMap<>();

  /**
   * @param endpoint the server; the abusers send none of its credentials
   * @param until when every abuser stops (a {@link System#nanoTime()})
   */
  Abusers(Shape shape, LoopbackEndpoint endpoint, long until) {
    this.shape = shape;
    this.endpoint = endpoint;
    this.deadline = until;
    this.uploadBody = new byte[(int) shape.uploadBytes()];
    Arrays.fill(uploadBody, (byte) 'x');
    final LoopbackEndpoint unsigned = new LoopbackEndpoint("abuse", endpoint.port(), List.of());
    this.uploadHead = unsigned.postHeadPrefix("/webhooks/whatsapp");
    this.slowRequestLine =
        "POST /webhooks/whatsapp HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** Starts every abuser, their connections spread over the ramp. */
  void start() {
    final long start = System.nanoTime();
    final int all = shape.connections();
    int index = 0;
    for (int i = 0; i < shape.slowloris(); i++, index++) {
      final long at = start + RAMP.toNanos() * index / all;
      final int id = i;
      threads.add(Thread.ofVirtual().name("abuse-slowloris-" + i).start(() -> slowloris(id, at)));
    }
    for (int i = 0; i < shape.uploads(); i++, index++) {
      final long at = start + RAMP.toNanos() * index / all;
      threads.add(Thread.ofVirtual().name("abuse-upload-" + i).start(() -> uploads(at)));
    }
    for (int i = 0; i < shape.stalled(); i++, index++) {
      final long at = start + RAMP.toNanos() * index / all;
      threads.add(Thread.ofVirtual().name("abuse-stalled-" + i).start(() -> stalled(at)));
    }
    LOG.info(
        "abuse: {} slowloris, {} unsigned {}-byte uploads, {} stalled connections",
        shape.slowloris(),
        shape.uploads(),
        shape.uploadBytes(),
        shape.stalled());
  }

  /** Waits for the abusers to end at their deadline, closing what is left, and tallies them. */
  Tally stop() throws InterruptedException {
    sleepUntil(deadline);
    // a thread blocked in a socket call ends when its socket is closed (or it is interrupted)
    open.forEach(Abusers::closeQuietly);
    final long limit = System.nanoTime() + STOP_LIMIT.toNanos();
    for (final Thread thread : threads) {
      final long left = Math.max(1, (limit - System.nanoTime()) / 1_000_000);
      if (!thread.join(Duration.ofMillis(left))) {
        thread.interrupt();
      }
    }
    final Map<Integer, Long> statuses = new TreeMap<>();
    uploadStatuses.forEach((status, count) -> statuses.put(status, count.get()));
    return new Tally(
        shape,
        opened.get(),
        connectFailures.get(),
        slowClosed.get(),
        stalledClosed.get(),
        uploadsSent.get(),
        statuses,
        uploadErrors.get());
  }

  /** Sends a request line, then headers one byte a second that never end, again when closed. */
  private void slowloris(int id, long at) {
    sleepUntil(at);
    final byte[] headers =
        ("Host: 127.0.0.1\r\nX-Slowloris-" + id + ": " + "a".repeat(4_096))
            .getBytes(StandardCharsets.US_ASCII);
    while (!over()) {
      final Socket socket = connect();
      if (socket == null) {
        continue;
      }
      try (socket) {
        final OutputStream out = socket.getOutputStream();
        final InputStream in = socket.getInputStream();
        out.write(slowRequestLine);
        socket.setSoTimeout((int) DRIP.toMillis());
        for (int sent = 0; sent < headers.length && !over(); sent++) {
          out.write(headers[sent]);
          if (closedByServer(in)) {
            slowClosed.incrementAndGet();
            break;
          }
        }
      } catch (IOException closed) {
        // a write into, or a read from, a connection the server closed or reset
        if (!over()) {
          slowClosed.incrementAndGet();
        }
      } finally {
        open.remove(socket);
      }
    }
  }

  /** Unsigned 8 MB bodies, one after the other: each refused, then sent again. */
  private void uploads(long at) {
    sleepUntil(at);
    try (HttpConnection connection =
        new HttpConnection(endpoint.address(), UPLOAD_READ_TIMEOUT_MILLIS)) {
      while (!over()) {
        try {
          final int status = connection.post(uploadHead, uploadBody, uploadBody.length);
          uploadsSent.incrementAndGet();
          uploadStatuses.computeIfAbsent(status, key -> new AtomicLong()).incrementAndGet();
        } catch (IOException failed) {
          if (!over()) {
            uploadErrors.incrementAndGet();
            LockSupport.parkNanos(BACKOFF_NANOS);
          }
        }
      }
    }
  }

  /** Opens a connection and sends nothing; again when the server closes it. */
  private void stalled(long at) {
    sleepUntil(at);
    while (!over()) {
      final Socket socket = connect();
      if (socket == null) {
        continue;
      }
      try (socket) {
        socket.setSoTimeout((int) DRIP.toMillis());
        final InputStream in = socket.getInputStream();
        while (!over()) {
          if (closedByServer(in)) {
            stalledClosed.incrementAndGet();
            break;
          }
        }
      } catch (IOException closed) {
        if (!over()) {
          stalledClosed.incrementAndGet();
        }
      } finally {
        open.remove(socket);
      }
    }
  }

  /** A connected socket, tracked for {@link #stop}; null after a failure (and a pause). */
  private Socket connect() {
    final Socket socket = new Socket();
    try {
      socket.connect(endpoint.address(), CONNECT_TIMEOUT_MILLIS);
      open.add(socket);
      opened.incrementAndGet();
      return socket;
    } catch (IOException refused) {
      connectFailures.incrementAndGet();
      closeQuietly(socket);
      LockSupport.parkNanos(BACKOFF_NANOS);
      return null;
    }
  }

  /**
   * Waits up to the socket's timeout for the server: true when it closed the connection (or
   * answered, which ends the abuse of this connection too), false when it is still waiting.
   */
  private static boolean closedByServer(InputStream in) throws IOException {
    try {
      in.read();
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    }
  }

  private boolean over() {
    return System.nanoTime() >= deadline || Thread.currentThread().isInterrupted();
  }

  private static void sleepUntil(long nanoTime) {
    for (long left = nanoTime - System.nanoTime();
        left > 0 && !Thread.currentThread().isInterrupted();
        left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is all that is left to do
    }
  }
}
