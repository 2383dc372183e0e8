package dev.coexist.web;

import dev.coexist.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: Helidon's web server behind the {@link FrontDoor} (connection cap and
 * per-phase timeouts), with JSON for the errors it sends itself, and a {@link ListenerWatch} that
 * reports the listener stopping on its own.
 */
public final class HttpListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

  private final WebServer server;
  private final FrontDoor frontDoor;
  private final ListenerWatch watch;

  private HttpListener(
      final WebServer server, final FrontDoor frontDoor, final ListenerWatch watch) {
    this.server = server;
    this.frontDoor = frontDoor;
    this.watch = watch;
  }

  /**
   * Starts listening on the configured address and port.
   *
   * @param routes registers every route
   * @param lost runs when the listener stops without {@link #close()} having been called
   * @throws ListenerStartException when the port cannot be listened on
   */
  public static HttpListener start(
      final Config config,
      final Consumer<HttpRouting.Builder> routes,
      final MeterRegistry meters,
      final Runnable lost) {
    // Helidon reports a port in use as a logged stack trace and a server without its listener:
    // asked first, the answer is one line (the check after the start covers a port taken between)
    if (config.port() != 0) {
      whyNotListening(config.bind(), config.port())
          .ifPresent(
              reason -> {
                throw new ListenerStartException(reason);
              });
    }
    final int cap = connectionCap(config.maxConnections(), config.databasePoolSize());
    final FrontDoor frontDoor =
        new FrontDoor(
            cap,
            new ConnectionTimeouts(
                config.idleTimeout(),
                config.requestLineTimeout(),
                config.headerTimeout(),
                config.readTimeout(),
                config.writeTimeout()),
            meters);
    final ListenerWatch watch = new ListenerWatch(lost);
    final WebServer server;
    try {
      server =
          WebServer.builder()
              .host(config.bind())
              .port(config.port())
              // the webhook routes enforce --max-body themselves, with a JSON reason
              .maxPayloadSize(-1)
              .shutdownGracePeriod(config.shutdownGrace())
              // the front door is the only connection selector: Helidon gives it every connection
              // at accept, so it counts and caps connections that have not sent a byte yet. The
              // HTTP/1 protocol Helidon would discover on its own is inside it.
              .protocolsDiscoverServices(false)
              .addConnectionSelector(frontDoor)
              // the front door closes connections past the cap as Helidon hands them over; Helidon
              // accepts no more while the cap plus those being closed are open, so a burst waits a
              // moment in the kernel's queue instead of exhausting file descriptors
              .maxTcpConnections(cap + FrontDoor.REFUSAL_SLOTS)
              // the front door closes a connection idle for --idle-timeout. Helidon's own sweep
              // stays as a second line, later: its clock counts whole seconds from the start of
              // the last request, so at the same timeout it closed connections up to a second early
              .idleConnectionTimeout(config.idleTimeout().multipliedBy(2))
              .idleConnectionPeriod(config.idleTimeout())
              // a JSON reply leaves as headers then body: with Nagle's algorithm the body waited
              // for the client's delayed ACK, 40 ms on Linux, on every API read
              .connectionOptions(options -> options.tcpNoDelay(true))
              .directHandlers(ErrorReplies.directHandlers())
              .routing(
                  routing -> {
                    routes.accept(routing);
                    ErrorReplies.registerFallbacks(routing);
                    routing.addFeature(watch);
                  })
              .build()
              .start();
    } catch (RuntimeException failed) {
      watch.stopping();
      frontDoor.close();
      throw failed;
    }
    if (!server.isRunning() || server.port() < 1) {
      // Helidon logs why a listener failed to start and carries on without it
      watch.stopping();
      server.stop();
      frontDoor.close();
      throw new ListenerStartException(
          whyNotListening(config.bind(), config.port())
              .orElse(
                  "cannot listen on "
                      + config.bind()
                      + ":"
                      + config.port()
                      + " (see the log above)"));
    }
    return new HttpListener(server, frontDoor, watch);
  }

  /** The cap as configured, or derived from the file-descriptor limit; either way logged. */
  static int connectionCap(final Config.ConnectionCap configured, final int databaseConnections) {
    final OptionalLong limit = FileDescriptors.limit();
    final String limitText = limit.isPresent() ? String.valueOf(limit.getAsLong()) : "unknown";
    final int derived = FileDescriptors.connectionCap(limit, databaseConnections);
    return switch (configured) {
      case Config.ConnectionCap.Auto auto -> {
        LOG.info(
            "File-descriptor limit {}: at most {} open connections (--max-connections auto)",
            limitText,
            derived);
        yield derived;
      }
      case Config.ConnectionCap.Fixed fixed -> {
        if (fixed.connections() > derived) {
          LOG.warn(
              "--max-connections {} leaves too few of the {} file descriptors for the database and"
                  + " the journal: {} would",
              fixed.connections(),
              limitText,
              derived);
        } else {
          LOG.info(
              "File-descriptor limit {}: at most {} open connections (--max-connections)",
              limitText,
              fixed.connections());
        }
        yield fixed.connections();
      }
    };
  }

  /**
   * Why the address cannot be listened on, found by binding it as Helidon does (address reuse on,
   * so a port with connections in TIME_WAIT counts as free), or empty when it can.
   */
  private static Optional<String> whyNotListening(final String host, final int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
      return Optional.empty();
    } catch (BindException refused) {
      if (refused.getMessage() != null && refused.getMessage().contains("in use")) {
        return Optional.of("port " + port + " on " + host + " is in use");
      }
      return Optional.of("cannot listen on " + host + ":" + port + ": " + refused.getMessage());
    } catch (IOException | RuntimeException other) {
      return Optional.of("cannot listen on " + host + ":" + port + ": " + other.getMessage());
    }
  }

  public int port() {
    return server.port();
  }

  public int connectionCap() {
    return frontDoor.cap();
  }

  /** Stops listening, lets in-flight requests finish within the grace period. */
  @Override
  public void close() {
    watch.stopping();
    server.stop();
    frontDoor.close();
  }
}
