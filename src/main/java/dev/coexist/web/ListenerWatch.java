package dev.coexist.web;

import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Notices the listener stopping when nobody asked it to. Helidon ends its accept loop on an error
 * it cannot accept past (out of file descriptors, say) and keeps the JVM running: a process that
 * looks alive to its supervisor and takes no connection.
 *
 * <p>Helidon says so in two ways, and this listens to both: the error it logs at once ("this server
 * socket is terminating now"), and the routing's {@link #afterStop()}, which comes only once the
 * listener has waited for its open connections, which may be never when the process is out of
 * descriptors (measured: still not called a minute later).
 */
public final class ListenerWatch implements HttpFeature {
  /** Helidon's logger for the accept loop (Helidon logs through java.util.logging). */
  private static final String LISTENER_LOGGER = "io.helidon.webserver.ServerListener";

  private static final String TERMINATING = "server socket is terminating";

  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Runnable lost;

  /** Held, so that the logger and the handler added to it are not garbage collected. */
  private final Logger listenerLogger = Logger.getLogger(LISTENER_LOGGER);

  private final Handler terminating =
      new Handler() {
        @Override
        public void publish(final LogRecord record) {
          if (record.getLevel().intValue() >= Level.SEVERE.intValue()
              && record.getMessage() != null
              && record.getMessage().contains(TERMINATING)) {
            listenerStopped();
          }
        }

        @Override
        public void flush() {
          // nothing buffered
        }

        @Override
        public void close() {
          // nothing held
        }
      };

  /** {@code lost} runs, once, when the listener stops before {@link #stopping()} was called. */
  public ListenerWatch(final Runnable lost) {
    this.lost = lost;
    listenerLogger.addHandler(terminating);
  }

  @Override
  public void setup(final HttpRouting.Builder routing) {
    // watches only
  }

  /** Called before a stop that is meant: from then on the listener stopping is expected. */
  public void stopping() {
    stopping.set(true);
    listenerLogger.removeHandler(terminating);
  }

  @Override
  public void afterStop() {
    listenerStopped();
  }

  private void listenerStopped() {
    if (stopping.compareAndSet(false, true)) {
      lost.run();
    }
  }
}
