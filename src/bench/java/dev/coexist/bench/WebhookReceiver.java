package dev.coexist.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partner's side of outbound webhooks, inside the benchmark's JVM: a keep-alive HTTP/1.1 server
 * on loopback with one path per subscription, {@code /hook/N} (blocking sockets, a virtual thread
 * per connection, as {@link JdkCeilingServer}: the JDK's com.sun.net.httpserver took less than half
 * as many requests per second). It checks every request as a Standard Webhooks receiver does (the
 * {@code v1} HMAC-SHA256 signature over {@code id.timestamp.body} with the subscription's secret,
 * the timestamp within five minutes), records the event in that subscription's {@link ArrivalLog}
 * and answers 200; while {@linkplain #down() down} it answers 503 to everything.
 */
final class WebhookReceiver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
  static final String PATH = "/hook/";

  /** How far a {@code webhook-timestamp} may be from now (Standard Webhooks suggests 5 min). */
  static final long TOLERANCE_SECONDS = 300;

  private static final int MAX_HEAD = 16_384;
  private static final int MAX_BODY = 1 << 20;

  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> secrets;
  private final List<Mac> prototypes;
  private final List<ArrivalLog> logs;
  private volatile boolean down;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong badSignatures = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();

  private WebhookReceiver(final ServerSocket listener, final List<String> secrets) {
    this.listener = listener;
    this.secrets = List.copyOf(secrets);
    this.prototypes = secrets.stream().map(WebhookSigning::mac).toList();
    final List<ArrivalLog> all = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      all.add(new ArrivalLog());
    }
    this.logs = List.copyOf(all);
    this.acceptor = Thread.ofVirtual().name("bench-receiver-accept").start(this::acceptLoop);
  }

  /** Starts a receiver for {@code subscriptions} subscriptions, each with a new secret. */
  static WebhookReceiver start(final int subscriptions) throws IOException {
    final List<String> secrets = new ArrayList<>();
    for (int i = 0; i < subscriptions; i++) {
      secrets.add(WebhookSigning.newSecret());
    }
    final ServerSocket listener =
        new ServerSocket(0, 1_024, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    LOG.info(
        "webhook receiver for {} subscriptions on 127.0.0.1:{}",
        subscriptions,
        listener.getLocalPort());
    return new WebhookReceiver(listener, secrets);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The URL subscription {@code index} delivers to. */
  String url(final int index) {
    return "http://" + LoopbackEndpoint.LOOPBACK + ":" + port() + PATH + index;
  }

  String secret(final int index) {
    return secrets.get(index);
  }

  ArrivalLog log(final int index) {
    return logs.get(index);
  }

  List<ArrivalLog> logs() {
    return logs;
  }

  /** Events accepted at least once, over every subscription. */
  long distinct() {
    return logs.stream().mapToLong(ArrivalLog::distinct).sum();
  }

  /** From now on every request is answered 503, as by a receiver that is down. */
  void down() {
    down = true;
  }

  void up() {
    down = false;
  }

  /** Requests answered 503 while down. */
  long refused() {
    return refused.get();
  }

  /** Requests whose signature or timestamp did not verify (answered 401). */
  long badSignatures() {
    return badSignatures.get();
  }

  /** Requests with no readable id, timestamp or event (answered 400). */
  long unreadable() {
    return unreadable.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        final Socket socket = listener.accept();
        open.add(socket);
        Thread.ofVirtual().name("bench-receiver-conn").start(() -> serve(socket));
      } catch (IOException e) {
        if (!listener.isClosed()) {
          LOG.warn("accept failed: {}", e.toString());
        }
      }
    }
  }

  /** Keep-alive HTTP/1.1: one request after the other, each with a Content-Length body. */
  private void serve(final Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      final InputStream in = socket.getInputStream();
      final OutputStream out = socket.getOutputStream();
      final byte[] buffer = new byte[MAX_HEAD];
      int filled = 0;
      // bounded: each turn reads one request, and the loop ends with the connection
      while (true) {
        int headEnd;
        while ((headEnd = headEnd(buffer, filled)) < 0) {
          if (filled == buffer.length) {
            return;
          }
          final int read = in.read(buffer, filled, buffer.length - filled);
          if (read < 0) {
            return;
          }
          filled += read;
        }
        final Request request =
            Request.parse(new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1));
        if (request == null || request.contentLength() > MAX_BODY) {
          unreadable.incrementAndGet();
          out.write(response(400, true));
          out.flush();
          return;
        }
        final byte[] body = new byte[(int) request.contentLength()];
        final int inBuffer = Math.min(filled - headEnd, body.length);
        System.arraycopy(buffer, headEnd, body, 0, inBuffer);
        // what follows the body in the buffer is the next request
        final int carried = filled - headEnd - inBuffer;
        System.arraycopy(buffer, headEnd + inBuffer, buffer, 0, carried);
        filled = carried;
        int at = inBuffer;
        while (at < body.length) {
          final int read = in.read(body, at, body.length - at);
          if (read < 0) {
            return;
          }
          at += read;
        }
        out.write(response(handle(request, body), request.close()));
        out.flush();
        if (request.close()) {
          return;
        }
      }
    } catch (SocketException e) {
      // the client went away or the receiver is closing
    } catch (IOException e) {
      LOG.debug("receiver connection failed: {}", e.toString());
    } finally {
      open.remove(socket);
    }
  }

  /** The status for one request; an accepted event is recorded before it is answered. */
  private int handle(final Request request, final byte[] body) {
    if (down) {
      refused.incrementAndGet();
      return 503;
    }
    final int index = index(request.path());
    final long eventId = WebhookEvents.nonNegative(request.id());
    final long sentAt = WebhookEvents.nonNegative(request.timestamp());
    final long received = nowMicros();
    if (index < 0 || eventId < 0 || sentAt < 0 || request.signature() == null) {
      unreadable.incrementAndGet();
      return 400;
    }
    if (Math.abs(received / 1_000_000 - sentAt) > TOLERANCE_SECONDS
        || !WebhookSigning.verifies(
            prototypes.get(index), request.id(), request.timestamp(), body, request.signature())) {
      badSignatures.incrementAndGet();
      return 401;
    }
    final String event = new String(body, StandardCharsets.UTF_8);
    final long committed = WebhookEvents.committedMicros(event);
    if (committed < 0) {
      unreadable.incrementAndGet();
      return 400;
    }
    // recorded before the 200: the next event of the thread is only sent after it
    logs.get(index)
        .add(
            eventId,
            WebhookEvents.threadId(event),
            WebhookEvents.wamid(event),
            committed,
            received);
    return 200;
  }

  private static byte[] response(final int status, final boolean close) {
    final String reason =
        switch (status) {
          case 200 -> "OK";
          case 400 -> "Bad Request";
          case 401 -> "Unauthorized";
          default -> "Service Unavailable";
        };
    return ("HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Length: 0\r\n"
            + (close ? "Connection: close\r\n" : "")
            + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Index just past CRLFCRLF, or -1. */
  private static int headEnd(final byte[] buffer, final int filled) {
    for (int i = 3; i < filled; i++) {
      if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  /** A request head: its path and the headers a webhook receiver reads. */
  record Request(
      String path,
      long contentLength,
      String id,
      String timestamp,
      String signature,
      boolean close) {

    /** Null when it is no {@code POST} with a {@code Content-Length}. */
    static Request parse(final String head) {
      final String[] lines = head.split("\r\n");
      final String[] requestLine = lines[0].split(" ");
      if (requestLine.length != 3 || !requestLine[0].equals("POST")) {
        return null;
      }
      long length = -1;
      String id = null;
      String timestamp = null;
      String signature = null;
      boolean close = requestLine[2].equals("HTTP/1.0");
      for (int i = 1; i < lines.length; i++) {
        final int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          continue;
        }
        final String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        final String value = lines[i].substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = WebhookEvents.nonNegative(value);
          case "webhook-id" -> id = value;
          case "webhook-timestamp" -> timestamp = value;
          case "webhook-signature" -> signature = value;
          case "connection" -> close = value.equalsIgnoreCase("close");
          case "transfer-encoding" -> {
            // chunked bodies are not expected from Coexist's client: refuse them
            return null;
          }
          default -> {
            // not read
          }
        }
      }
      return length < 0
          ? null
          : new Request(requestLine[1], length, id, timestamp, signature, close);
    }
  }

  private int index(final String path) {
    if (!path.startsWith(PATH)) {
      return -1;
    }
    final long index = WebhookEvents.nonNegative(path.substring(PATH.length()));
    return index < 0 || index >= logs.size() ? -1 : (int) index;
  }

  static long nowMicros() {
    final Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  @Override
  public void close() {
    LoopbackPorts.stop(listener, open, acceptor);
  }
}
