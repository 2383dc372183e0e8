package dev.coexist.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 connection with blocking sockets, meant to be owned by one virtual
 * thread. Cheaper than {@code java.net.http.HttpClient}: one write syscall per small request, no
 * per-request futures, headers parsed in place.
 *
 * <p>It reconnects lazily: after an I/O error or a {@code Connection: close} the next request opens
 * a new socket.
 */
final class HttpConnection implements AutoCloseable {

  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** Small requests are copied here so head and body leave in one write. */
  private final byte[] writeBuffer = new byte[64 * 1024];

  private final InetSocketAddress address;
  private final int readTimeoutMillis;
  private Socket socket;
  private OutputStream out;
  private HttpResponseReader reader;
  private long connects;

  HttpConnection(InetSocketAddress address, int readTimeoutMillis) {
    this.address = address;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /** Sends a POST whose head ends with {@code Content-Length: } and returns the response status. */
  int post(byte[] headPrefix, byte[] body, int bodyLength) throws IOException {
    ensureOpen();
    try {
      int at = 0;
      System.arraycopy(headPrefix, 0, writeBuffer, at, headPrefix.length);
      at += headPrefix.length;
      at = writeDecimal(bodyLength, at);
      System.arraycopy(HEAD_END, 0, writeBuffer, at, HEAD_END.length);
      at += HEAD_END.length;
      if (at + bodyLength <= writeBuffer.length) {
        System.arraycopy(body, 0, writeBuffer, at, bodyLength);
        out.write(writeBuffer, 0, at + bodyLength);
      } else {
        out.write(writeBuffer, 0, at);
        out.write(body, 0, bodyLength);
      }
      out.flush();
      return finish();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Sends a request that has no body (a GET) and returns the response status. */
  int send(byte[] head) throws IOException {
    ensureOpen();
    try {
      out.write(head);
      out.flush();
      return finish();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The response last read; valid until the next request. */
  HttpResponseReader response() {
    return reader;
  }

  long connects() {
    return connects;
  }

  private int finish() throws IOException {
    final int status = reader.read();
    if (reader.closeAfter()) {
      close();
    }
    return status;
  }

  private void ensureOpen() throws IOException {
    if (socket != null) {
      return;
    }
    final Socket opened = new Socket();
    try {
      opened.setTcpNoDelay(true);
      opened.setSoTimeout(readTimeoutMillis);
      opened.connect(address, CONNECT_TIMEOUT_MILLIS);
      out = opened.getOutputStream();
      reader = new HttpResponseReader(opened.getInputStream());
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    socket = opened;
    connects++;
  }

  private int writeDecimal(int value, int at) {
    final String digits = Integer.toString(value);
    for (int i = 0; i < digits.length(); i++) {
      writeBuffer[at + i] = (byte) digits.charAt(i);
    }
    return at + digits.length();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a broken socket: nothing left to save
      }
      socket = null;
      out = null;
    }
  }
}
