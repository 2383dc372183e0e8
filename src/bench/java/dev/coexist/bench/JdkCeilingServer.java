package dev.coexist.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback ceiling when nginx is not installed: a keep-alive HTTP/1.1 server on virtual threads
 * inside this JVM that reads each request body and answers 200. It shares the process (and its CPU
 * accounting) with the load generator, so its figures are a rougher ceiling than nginx's.
 */
final class JdkCeilingServer implements BenchServer {

  private static final Logger LOG = LoggerFactory.getLogger(JdkCeilingServer.class);
  private static final byte[] RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEAD = 16_384;

  private final ServerSocket listener;
  private final LoopbackEndpoint endpoint;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private JdkCeilingServer(ServerSocket listener, List<HeaderSecret> headers) {
    this.listener = listener;
    this.endpoint = new LoopbackEndpoint("jdk", listener.getLocalPort(), headers);
    this.acceptor = Thread.ofVirtual().name("bench-ceiling-accept").start(this::acceptLoop);
  }

  static JdkCeilingServer start(List<HeaderSecret> headers) throws IOException {
    final ServerSocket listener =
        new ServerSocket(0, 1_024, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    LOG.info("started the built-in JDK ceiling on 127.0.0.1:{}", listener.getLocalPort());
    return new JdkCeilingServer(listener, headers);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        final Socket socket = listener.accept();
        open.add(socket);
        Thread.ofVirtual().name("bench-ceiling-conn").start(() -> serve(socket));
      } catch (IOException e) {
        if (!listener.isClosed()) {
          LOG.warn("accept failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      final InputStream in = socket.getInputStream();
      final OutputStream out = socket.getOutputStream();
      final byte[] buffer = new byte[64 * 1024];
      int filled = 0;
      while (true) {
        // read until the end of the head
        int headEnd;
        while ((headEnd = headEnd(buffer, filled)) < 0) {
          if (filled == MAX_HEAD) {
            return;
          }
          final int read = in.read(buffer, filled, Math.min(buffer.length, MAX_HEAD) - filled);
          if (read < 0) {
            return;
          }
          filled += read;
        }
        long bodyLeft = contentLength(buffer, headEnd);
        // bytes already read past the head belong to the body (and maybe the next request)
        final int extra = filled - headEnd;
        final int bodyInBuffer = (int) Math.min(extra, bodyLeft);
        bodyLeft -= bodyInBuffer;
        final int carried = extra - bodyInBuffer;
        System.arraycopy(buffer, headEnd + bodyInBuffer, buffer, 0, carried);
        filled = carried;
        while (bodyLeft > 0) {
          final int read =
              in.read(buffer, filled, (int) Math.min(bodyLeft, buffer.length - filled));
          if (read < 0) {
            return;
          }
          bodyLeft -= read;
        }
        out.write(RESPONSE);
        out.flush();
      }
    } catch (SocketException e) {
      // client went away or we are closing: normal at the end of a run
    } catch (IOException e) {
      LOG.debug("ceiling connection failed: {}", e.toString());
    } finally {
      open.remove(socket);
    }
  }

  /** Index just past CRLFCRLF, or -1. */
  private static int headEnd(byte[] buffer, int filled) {
    for (int i = 3; i < filled; i++) {
      if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private static long contentLength(byte[] buffer, int headEnd) throws IOException {
    final String head = new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1);
    for (final String line : head.split("\r\n")) {
      final int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        try {
          return Long.parseLong(line.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length", e);
        }
      }
    }
    return 0;
  }

  @Override
  public LoopbackEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public OptionalLong cpuNanos() {
    // in-process: its CPU time is part of the client's figure
    return OptionalLong.empty();
  }

  @Override
  public String description() {
    return "built-in JDK server on virtual threads, inside the client JVM (its CPU counts as"
        + " client)";
  }

  @Override
  public void close() {
    LoopbackPorts.stop(listener, open, acceptor);
  }
}
