package dev.coexist.web;

import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices the listener stopping when nobody asked it to. Helidon ends its accept loop on an error
 * it cannot accept past (out of file descriptors, say) and keeps the JVM running: a process that
 * looks alive to its supervisor and takes no connection. The listener's routing is told after it
 * stops; that is where this looks.
 */
public final class ListenerWatch implements HttpFeature {
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Runnable lost;

  /** {@code lost} runs, once, when the listener stops before {@link #stopping()} was called. */
  public ListenerWatch(final Runnable lost) {
    this.lost = lost;
  }

  @Override
  public void setup(final HttpRouting.Builder routing) {
    // watches only
  }

  /** Called before a stop that is meant: from then on the listener stopping is expected. */
  public void stopping() {
    stopping.set(true);
  }

  @Override
  public void afterStop() {
    if (stopping.compareAndSet(false, true)) {
      lost.run();
    }
  }
}
