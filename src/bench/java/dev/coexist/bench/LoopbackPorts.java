package dev.coexist.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Free loopback ports and waiting for a server to answer on one. */
final class LoopbackPorts {

  private LoopbackPorts() {}

  /**
   * Stops a loopback server of the harness: no new connections, every open one closed, its accept
   * loop given two seconds to end.
   */
  static void stop(final ServerSocket listener, final Set<Socket> open, final Thread acceptor) {
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
    open.forEach(
        socket -> {
          try {
            socket.close();
          } catch (IOException ignored) {
            // already closed
          }
        });
    try {
      acceptor.join(2_000);
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    }
  }

  /** A port the OS just said is free; a tiny race with other programs remains, as always. */
  static int free() throws IOException {
    try (ServerSocket socket =
        new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /**
   * Polls {@code GET path} until it answers 200, the process gives up, or the time runs out.
   *
   * @param alive false once the server process has exited, which ends the wait at once
   * @return null when ready, otherwise why not
   */
  static String awaitOk(
      LoopbackEndpoint endpoint, String path, Duration timeout, BooleanSupplier alive) {
    final long deadline = System.nanoTime() + timeout.toNanos();
    final byte[] head = endpoint.getHead(path);
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!alive.getAsBoolean()) {
        return "the server process exited";
      }
      try (HttpConnection connection = new HttpConnection(endpoint.address(), 2_000)) {
        final int status = connection.send(head);
        if (status == 200) {
          return null;
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.toString();
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    return "not ready after " + timeout.toSeconds() + " s: " + last;
  }
}
