package dev.coexist.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay in front of a real server (the embedded PostgreSQL), which a test can cut
 * and restore: while cut, connections are refused and the open ones are closed, exactly as a
 * stopped server on this machine behaves for its clients, without stopping the shared server.
 */
public final class TcpProxy implements AutoCloseable {
  private final int port;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  private TcpProxy(final int port, final int targetPort) {
    this.port = port;
    this.targetPort = targetPort;
  }

  /** A relay to {@code targetPort} on a free port of its own, not listening until {@link #open}. */
  public static TcpProxy to(final int targetPort) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new TcpProxy(probe.getLocalPort(), targetPort);
    }
  }

  /**
   * A relay to the server of a PostgreSQL JDBC URL such as {@code
   * jdbc:postgresql://localhost:5432/db}.
   */
  public static TcpProxy inFrontOf(final String jdbcUrl) throws IOException {
    final java.util.regex.Matcher port =
        java.util.regex.Pattern.compile("//[^/:]+:(\\d+)/").matcher(jdbcUrl);
    if (!port.find()) {
      throw new IllegalArgumentException("no port in " + jdbcUrl);
    }
    return to(Integer.parseInt(port.group(1)));
  }

  public int port() {
    return port;
  }

  /** A PostgreSQL JDBC URL of the target, rewritten to go through this relay. */
  public String relayed(final String jdbcUrl) {
    return jdbcUrl.replaceFirst("//[^/:]+:" + targetPort + "/", "//127.0.0.1:" + port + "/");
  }

  /** Starts (again) taking connections on {@link #port()}. */
  public synchronized void open() throws IOException {
    final ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = listening;
    Thread.ofVirtual().name("proxy-accept").start(() -> accept(listening));
  }

  /** Refuses new connections and closes the open ones. */
  public synchronized void cut() {
    final ServerSocket listening = server;
    server = null;
    if (listening != null) {
      closeQuietly(listening);
    }
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  private void accept(final ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        final Socket client = listening.accept();
        final Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pump(final Socket from, final Socket to) {
    final byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException | UncheckedIOException gone) {
      // either side went away: the other is closed below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void closeQuietly(final AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}
