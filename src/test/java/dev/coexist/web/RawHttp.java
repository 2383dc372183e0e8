package dev.coexist.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Bytes written to a socket as they are, and what comes back until the server closes it. */
final class RawHttp {
  private RawHttp() {}

  /** Sends the bytes and reads the answer until the server closes the connection. */
  static String exchange(final int port, final byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String exchange(final int port, final String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * How long the server took to close the connection (end of stream or reset), reading whatever it
   * sends; fails the test past the limit.
   */
  static Duration timeUntilClosed(
      final Socket socket, final long startedNanos, final Duration limit) throws IOException {
    socket.setSoTimeout((int) limit.toMillis());
    final InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // an answer, if any, is not what is measured
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the server kept the connection open for " + limit, stillOpen);
    } catch (SocketException reset) {
      // closed with a reset: closed all the same
    }
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** The body of a raw answer: what follows the blank line. */
  static String body(final String answer) {
    final int blank = answer.indexOf("\r\n\r\n");
    return blank < 0 ? "" : answer.substring(blank + 4);
  }
}
