package dev.coexist.changes;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection to a subscription's origin, kept alive between deliveries: a request is
 * written in one go, the answer's status and {@code Retry-After} are read, its body read away (up
 * to {@link #BODY_READ_LIMIT}; a longer one ends the connection instead). Blocking sockets on the
 * delivering virtual thread; the JDK's {@code HttpClient} cost as much CPU per event as the apply.
 */
final class OutboundConnection implements AutoCloseable {
  /** An answer's body is read away up to this to keep the connection; a longer one closes it. */
  static final int BODY_READ_LIMIT = 64 * 1024;

  private static final int HEAD_LIMIT = 64 * 1024;

  /** What came back: the status, a {@code Retry-After} if given, whether the connection goes on. */
  record Answer(int status, Optional<String> retryAfter, boolean keepAlive) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private long idleSinceNanos = System.nanoTime();
  private boolean used;

  private OutboundConnection(final Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
  }

  /**
   * Connects to {@code address} (already checked, so that the name is not resolved again to
   * somewhere else), with TLS for {@code https}: the host name is sent (SNI) and verified against
   * the certificate.
   */
  static OutboundConnection open(
      final boolean tls,
      final String host,
      final InetAddress address,
      final int port,
      final Duration connectTimeout)
      throws IOException {
    final Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true);
      plain.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
      if (!tls) {
        return new OutboundConnection(plain);
      }
      final SSLSocket secure =
          (SSLSocket)
              ((SSLSocketFactory) SSLSocketFactory.getDefault())
                  .createSocket(plain, host, port, true);
      final SSLParameters parameters = secure.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secure.setSSLParameters(parameters);
      secure.setSoTimeout((int) connectTimeout.toMillis());
      secure.startHandshake();
      return new OutboundConnection(secure);
    } catch (IOException | RuntimeException failed) {
      plain.close();
      throw failed;
    }
  }

  /** Whether it has carried an exchange before (a failure on it may be the server's idle close). */
  boolean used() {
    return used;
  }

  long idleNanos(final long now) {
    return now - idleSinceNanos;
  }

  /**
   * Sends one request and reads its answer. The caller closes the connection on any exception or
   * when the answer says it does not go on.
   *
   * @param timeout the longest to wait for each read of the answer; the caller also closes the
   *     socket when the whole attempt overran, which ends a write blocked on a receiver that does
   *     not read
   */
  Answer exchange(final byte[] head, final byte[] body, final Duration timeout) throws IOException {
    used = true;
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    out.write(head);
    out.write(body);
    out.flush();
    Answer answer;
    do {
      answer = readAnswer();
    } while (answer.status() >= 100 && answer.status() < 200);
    idleSinceNanos = System.nanoTime();
    return answer;
  }

  private Answer readAnswer() throws IOException {
    final String statusLine = line();
    // "HTTP/1.1 200 OK"
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.x answer: " + printable(statusLine));
    }
    final int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException notAStatus) {
      throw new IOException("not an HTTP/1.x status line: " + printable(statusLine));
    }
    boolean keepAlive = statusLine.startsWith("HTTP/1.1");
    long length = -1;
    boolean chunked = false;
    String retryAfter = null;
    int headBytes = statusLine.length();
    for (String header = line(); !header.isEmpty(); header = line()) {
      headBytes += header.length();
      if (headBytes > HEAD_LIMIT) {
        throw new IOException("the answer's headers are over " + HEAD_LIMIT + " bytes");
      }
      final int colon = header.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      final String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      final String value = header.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = parseLength(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> {
          final String token = value.toLowerCase(Locale.ROOT);
          if (token.contains("close")) {
            keepAlive = false;
          } else if (token.contains("keep-alive")) {
            keepAlive = true;
          }
        }
        case "retry-after" -> retryAfter = value;
        default -> {
          // not needed to judge a delivery
        }
      }
    }
    if (status < 200 || status == 204 || status == 304) {
      return new Answer(status, Optional.ofNullable(retryAfter), keepAlive);
    }
    if (chunked) {
      keepAlive &= skipChunks();
    } else if (length >= 0) {
      keepAlive &= skip(length);
    } else {
      keepAlive = false; // the body runs until the close: not worth reading
    }
    return new Answer(status, Optional.ofNullable(retryAfter), keepAlive);
  }

  /** Reads away a body of {@code length} bytes; false (and leaves it) when it is over the limit. */
  private boolean skip(final long length) throws IOException {
    if (length > BODY_READ_LIMIT) {
      return false;
    }
    long left = length;
    while (left > 0) {
      final long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the answer's body ended early");
        }
        left--;
      } else {
        left -= skipped;
      }
    }
    return true;
  }

  private boolean skipChunks() throws IOException {
    long total = 0;
    while (true) {
      final String sizeLine = line();
      final int extension = sizeLine.indexOf(';');
      final long size;
      try {
        size =
            Long.parseLong(
                (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
      } catch (NumberFormatException notASize) {
        throw new IOException("a chunk size that is not hexadecimal: " + printable(sizeLine));
      }
      if (size == 0) {
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
          // trailers say nothing a delivery needs
        }
        return true;
      }
      total += size;
      if (total > BODY_READ_LIMIT || !skip(size)) {
        return false;
      }
      line(); // the CRLF after the chunk
    }
  }

  private static long parseLength(final String value) throws IOException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException notANumber) {
      throw new IOException("a Content-Length that is not a number: " + printable(value));
    }
  }

  /** One line without its CRLF (or LF), ISO-8859-1. */
  private String line() throws IOException {
    final StringBuilder line = new StringBuilder(64);
    while (true) {
      final int next = in.read();
      if (next < 0) {
        throw line.isEmpty()
            ? new EOFException("the receiver closed the connection without an answer")
            : new EOFException("the answer ended mid-line");
      }
      if (next == '\n') {
        final int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= HEAD_LIMIT) {
        throw new IOException("an answer line over " + HEAD_LIMIT + " bytes");
      }
      line.append((char) next);
    }
  }

  private static String printable(final String text) {
    final String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  static boolean timedOut(final IOException failed) {
    return failed instanceof SocketTimeoutException;
  }

  static byte[] ascii(final String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException alreadyGone) {
      // closing is all that was wanted
    }
  }
}
