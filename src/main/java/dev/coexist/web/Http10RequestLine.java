package dev.coexist.web;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lets Helidon, which speaks HTTP/1.1 only and answers HTTP/1.0 with 505, serve HTTP/1.0 clients
 * (nginx's default {@code proxy_http_version 1.0}, for one): the request line's version becomes
 * HTTP/1.1 and a {@code Connection: close} header follows it, so the connection is closed after the
 * response as HTTP/1.0 expects. Answering HTTP/1.1 to an HTTP/1.0 request is what RFC 9110 §6.2
 * asks of a server; every answer Coexist sends has a Content-Length, which both versions read the
 * same.
 */
final class Http10RequestLine {
  private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP_1_1_CLOSE =
      "HTTP/1.1\r\nConnection: close".getBytes(StandardCharsets.US_ASCII);

  private Http10RequestLine() {}

  /** True when the bytes may still become a request line (they begin with a method's letter). */
  static boolean mayStartRequest(final byte[] bytes) {
    return bytes.length > 0 && bytes[0] >= 'A' && bytes[0] <= 'Z';
  }

  /**
   * The bytes with their first line rewritten when it is an HTTP/1.0 request line, else the same
   * bytes.
   */
  static byte[] rewrite(final byte[] bytes) {
    final int newLine = indexOf(bytes, (byte) '\n');
    if (newLine < 0) {
      return bytes;
    }
    final int lineEnd = newLine > 0 && bytes[newLine - 1] == '\r' ? newLine - 1 : newLine;
    final int versionStart = lineEnd - HTTP_1_0.length;
    if (versionStart < 1
        || bytes[versionStart - 1] != ' '
        || !Arrays.equals(bytes, versionStart, lineEnd, HTTP_1_0, 0, HTTP_1_0.length)) {
      return bytes;
    }
    final byte[] rewritten = new byte[bytes.length - HTTP_1_0.length + HTTP_1_1_CLOSE.length];
    System.arraycopy(bytes, 0, rewritten, 0, versionStart);
    System.arraycopy(HTTP_1_1_CLOSE, 0, rewritten, versionStart, HTTP_1_1_CLOSE.length);
    System.arraycopy(
        bytes, lineEnd, rewritten, versionStart + HTTP_1_1_CLOSE.length, bytes.length - lineEnd);
    return rewritten;
  }

  static int indexOf(final byte[] bytes, final byte wanted) {
    for (int index = 0; index < bytes.length; index++) {
      if (bytes[index] == wanted) {
        return index;
      }
    }
    return -1;
  }
}
