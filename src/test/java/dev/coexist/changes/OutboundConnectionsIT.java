package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The outbound client against a receiver written here byte by byte on a real loopback port: kept
 * alive across deliveries, bodies of every framing read away, a connection the receiver closed
 * while idle replaced, a receiver that answers nothing cut at the timeout.
 */
class OutboundConnectionsIT {
  private static final byte[] BODY = "{\"type\":\"t\"}".getBytes(StandardCharsets.UTF_8);

  /** A receiver that reads each request whole and answers what {@code answers} gives the n-th. */
  private static final class RawReceiver implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();

    RawReceiver(final IntFunction<String> answers, final boolean closeAfterEach)
        throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                while (!server.isClosed()) {
                  final Socket socket;
                  try {
                    socket = server.accept();
                  } catch (IOException closed) {
                    return;
                  }
                  accepted.incrementAndGet();
                  synchronized (sockets) {
                    sockets.add(socket);
                  }
                  Thread.ofVirtual().start(() -> serve(socket, answers, closeAfterEach));
                }
              });
    }

    private void serve(
        final Socket socket, final IntFunction<String> answers, final boolean closeAfterEach) {
      try (socket) {
        final InputStream in = socket.getInputStream();
        final OutputStream out = socket.getOutputStream();
        while (true) {
          final String head = head(in);
          if (head == null) {
            return;
          }
          final int length =
              Integer.parseInt(
                  head.lines()
                      .filter(line -> line.toLowerCase().startsWith("content-length:"))
                      .findFirst()
                      .orElseThrow()
                      .substring(15)
                      .trim());
          in.readNBytes(length);
          final String answer = answers.apply(requests.incrementAndGet());
          if (answer == null) {
            Thread.sleep(Duration.ofSeconds(30)); // answers nothing
            return;
          }
          out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (closeAfterEach) {
            return;
          }
        }
      } catch (IOException | InterruptedException gone) {
        // the client went away
      }
    }

    private static String head(final InputStream in) throws IOException {
      final ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (true) {
        final int next = in.read();
        if (next < 0) {
          return null;
        }
        head.write(next);
        final String text = head.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r\n\r\n")) {
          return text;
        }
      }
    }

    OutboundConnections.Origin origin() {
      return new OutboundConnections.Origin(false, "127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (final Socket socket : sockets) {
          socket.close();
        }
      }
    }
  }

  private static byte[] head(final OutboundConnections.Origin origin) {
    return OutboundConnection.ascii(
        "POST /hook HTTP/1.1\r\nHost: "
            + origin.hostHeader()
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + BODY.length
            + "\r\n\r\n");
  }

  @Test
  void deliveriesShareOneConnectionWhateverTheAnswersFraming() throws Exception {
    final String[] answers = {
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
      "HTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n"
    };
    try (RawReceiver receiver = new RawReceiver(n -> answers[n - 1], false);
        OutboundConnections connections = new OutboundConnections(Duration.ofSeconds(2), true)) {
      final List<Integer> statuses = new ArrayList<>();
      OutboundConnection.Answer last = null;
      for (int i = 0; i < answers.length; i++) {
        last = connections.send(receiver.origin(), head(receiver.origin()), BODY, timeout());
        statuses.add(last.status());
      }
      assertThat(statuses).containsExactly(200, 202, 204, 503);
      assertThat(last.retryAfter()).contains("120");
      assertThat(receiver.accepted.get()).as("connections opened").isEqualTo(1);
    }
  }

  @Test
  void aConnectionTheReceiverClosedIsReplacedAndTheDeliveryGoesThrough() throws Exception {
    // the receiver closes after each answer without saying so: the next delivery finds the kept
    // connection dead and goes again on a new one
    try (RawReceiver receiver =
            new RawReceiver(n -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true);
        OutboundConnections connections = new OutboundConnections(Duration.ofSeconds(2), true)) {
      for (int i = 0; i < 3; i++) {
        assertThat(
                connections
                    .send(receiver.origin(), head(receiver.origin()), BODY, timeout())
                    .status())
            .isEqualTo(200);
        Thread.sleep(50); // the receiver's close has arrived
      }
      assertThat(receiver.requests.get()).isEqualTo(3);
      assertThat(receiver.accepted.get()).isEqualTo(3);
    }
  }

  @Test
  void anAnswerThatSaysCloseOrHasNoLengthEndsItsConnection() throws Exception {
    final String[] answers = {
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.0 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: " + (OutboundConnection.BODY_READ_LIMIT + 1) + "\r\n\r\n"
    };
    try (RawReceiver receiver = new RawReceiver(n -> answers[n - 1], true);
        OutboundConnections connections = new OutboundConnections(Duration.ofSeconds(2), true)) {
      for (int i = 0; i < answers.length; i++) {
        assertThat(
                connections
                    .send(receiver.origin(), head(receiver.origin()), BODY, timeout())
                    .status())
            .isEqualTo(200);
      }
      assertThat(receiver.accepted.get()).isEqualTo(3);
    }
  }

  @Test
  void aReceiverThatAnswersNothingIsCutAtTheTimeout() throws Exception {
    try (RawReceiver receiver = new RawReceiver(n -> null, false);
        OutboundConnections connections = new OutboundConnections(Duration.ofSeconds(2), true)) {
      final long started = System.nanoTime();
      assertThatThrownBy(
              () ->
                  connections.send(
                      receiver.origin(), head(receiver.origin()), BODY, Duration.ofMillis(500)))
          .isInstanceOf(OutboundConnections.Overran.class)
          .hasMessage("no answer within PT0.5S");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofMillis(450))
          .isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPrivateAddressIsRefusedUnlessAllowed() throws Exception {
    try (RawReceiver receiver =
            new RawReceiver(n -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
        OutboundConnections connections = new OutboundConnections(Duration.ofSeconds(2), false)) {
      assertThatThrownBy(
              () -> connections.send(receiver.origin(), head(receiver.origin()), BODY, timeout()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is a private address");
      assertThat(receiver.accepted.get()).isZero();
    }
  }

  private static Duration timeout() {
    return Duration.ofSeconds(5);
  }
}
