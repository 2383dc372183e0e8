package dev.coexist.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one HTTP/1.1 response from a buffered stream: status line, headers, and a body framed by
 * {@code Content-Length} or {@code chunked}. Keeps the first bytes of the body for inspection and
 * discards the rest, so it never allocates per response. It does its own buffering over the raw
 * socket stream: {@code BufferedInputStream} takes a lock on every single-byte read.
 */
final class HttpResponseReader {

  /** A response line or header longer than this is a broken server, not a benchmark result. */
  static final int MAX_LINE = 8_192;

  /** How much of each body is kept for {@link #bodyContains}. */
  static final int KEPT_BODY = 4_096;

  private final InputStream in;
  private final byte[] line = new byte[MAX_LINE];
  private final byte[] body = new byte[KEPT_BODY];
  private final byte[] skip = new byte[16_384];
  private final byte[] buffer = new byte[16_384];
  private int position;
  private int limit;
  private int lineLength;
  private int keptBodyLength;
  private int status;
  private boolean closeAfter;

  HttpResponseReader(InputStream in) {
    this.in = in;
  }

  /** Bytes already received but not yet consumed; a response arriving unasked would show here. */
  int buffered() {
    return limit - position;
  }

  private int readByte() throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  private int readInto(byte[] target, int offset, int length) throws IOException {
    if (position == limit) {
      if (length >= buffer.length) {
        // large bodies go straight to the target
        return in.read(target, offset, length);
      }
      if (!fill()) {
        return -1;
      }
    }
    final int n = Math.min(length, limit - position);
    System.arraycopy(buffer, position, target, offset, n);
    position += n;
    return n;
  }

  private boolean fill() throws IOException {
    final int read = in.read(buffer, 0, buffer.length);
    if (read <= 0) {
      return false;
    }
    position = 0;
    limit = read;
    return true;
  }

  /** Reads the next complete response and returns its status code. 1xx responses are skipped. */
  int read() throws IOException {
    do {
      readHead();
    } while (status >= 100 && status < 200);
    return status;
  }

  private void readHead() throws IOException {
    readLine();
    // "HTTP/1.1 200 OK": the code sits at 9..11
    if (lineLength < 12 || line[0] != 'H' || line[8] != ' ') {
      throw new IOException("not an HTTP status line: " + lineText());
    }
    status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (status < 100 || status > 599) {
      throw new IOException("bad status: " + lineText());
    }
    final boolean http10 = line[7] == '0';
    long contentLength = -1;
    boolean chunked = false;
    closeAfter = http10;
    while (true) {
      readLine();
      if (lineLength == 0) {
        break;
      }
      if (headerIs("content-length")) {
        contentLength = parseDecimal(headerValue());
      } else if (headerIs("transfer-encoding")) {
        chunked = headerValue().toLowerCase().contains("chunked");
      } else if (headerIs("connection")) {
        final String value = headerValue().toLowerCase();
        closeAfter = value.contains("close") || (http10 && !value.contains("keep-alive"));
      }
    }
    keptBodyLength = 0;
    if (status == 204 || status == 304 || status < 200) {
      return;
    }
    if (chunked) {
      readChunked();
    } else if (contentLength >= 0) {
      readBody(contentLength);
    } else {
      // no framing: the body runs to the end of the connection
      closeAfter = true;
      readToEnd();
    }
  }

  int status() {
    return status;
  }

  /** True when the server said it closes the connection after this response. */
  boolean closeAfter() {
    return closeAfter;
  }

  /** Whether the kept start of the body contains the ASCII text. */
  boolean bodyContains(byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= keptBodyLength; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (body[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  String keptBody() {
    return new String(body, 0, keptBodyLength, StandardCharsets.ISO_8859_1);
  }

  private void readChunked() throws IOException {
    while (true) {
      readLine();
      int end = 0;
      while (end < lineLength && line[end] != ';') {
        end++;
      }
      final long size = parseHex(end);
      if (size == 0) {
        // trailers until the empty line
        do {
          readLine();
        } while (lineLength > 0);
        return;
      }
      readBody(size);
      readLine();
      if (lineLength != 0) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  private void readBody(long length) throws IOException {
    long remaining = length;
    while (remaining > 0) {
      final int read;
      if (keptBodyLength < KEPT_BODY) {
        read =
            readInto(body, keptBodyLength, (int) Math.min(remaining, KEPT_BODY - keptBodyLength));
        if (read > 0) {
          keptBodyLength += read;
        }
      } else {
        read = readInto(skip, 0, (int) Math.min(remaining, skip.length));
      }
      if (read < 0) {
        throw new EOFException("connection closed inside a response body");
      }
      remaining -= read;
    }
  }

  private void readToEnd() throws IOException {
    while (true) {
      final int read = readInto(skip, 0, skip.length);
      if (read < 0) {
        return;
      }
      final int keep = Math.min(read, KEPT_BODY - keptBodyLength);
      System.arraycopy(skip, 0, body, keptBodyLength, keep);
      keptBodyLength += keep;
    }
  }

  /** Reads a line without its CRLF (a bare LF is accepted too). */
  private void readLine() throws IOException {
    lineLength = 0;
    while (true) {
      final int b = readByte();
      if (b < 0) {
        throw new EOFException(
            lineLength == 0 ? "connection closed by server" : "connection closed mid-line");
      }
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return;
      }
      if (lineLength == MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE + " bytes");
      }
      line[lineLength++] = (byte) b;
    }
  }

  private boolean headerIs(String lowerCaseName) {
    final int n = lowerCaseName.length();
    if (lineLength <= n || line[n] != ':') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (Character.toLowerCase(line[i]) != lowerCaseName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String headerValue() {
    final int colon = indexOf((byte) ':');
    return new String(line, colon + 1, lineLength - colon - 1, StandardCharsets.ISO_8859_1).trim();
  }

  private int indexOf(byte wanted) {
    for (int i = 0; i < lineLength; i++) {
      if (line[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static long parseDecimal(String value) throws IOException {
    try {
      final long parsed = Long.parseLong(value);
      if (parsed < 0) {
        throw new IOException("negative Content-Length: " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IOException("bad Content-Length: " + value, e);
    }
  }

  private long parseHex(int end) throws IOException {
    final String text = new String(line, 0, end, StandardCharsets.ISO_8859_1).trim();
    try {
      return Long.parseLong(text, 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size: " + text, e);
    }
  }

  private String lineText() {
    return new String(line, 0, Math.min(lineLength, 200), StandardCharsets.ISO_8859_1);
  }
}
