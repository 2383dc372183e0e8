package dev.coexist.feed;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Writes one subscription as {@code text/event-stream}: a preamble, the missed events (or a {@link
 * ChangeFeed#RESET} when they are unknown), then live events as they come, with a comment line as
 * heartbeat whenever the stream was silent for the heartbeat interval. Flushes after every write so
 * that nothing waits in a buffer.
 */
final class EventWriter {
  private static final byte[] PREAMBLE =
      "retry: 2000\n: coexist change feed\n\n".getBytes(StandardCharsets.UTF_8);
  private static final String RESET_DATA =
      "{\"reason\":\"the events since Last-Event-ID are no longer known: reload, then follow"
          + " this stream\"}";
  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

  private final OutputStream out;
  private final Duration heartbeat;

  EventWriter(final OutputStream out, final Duration heartbeat) {
    this.out = out;
    this.heartbeat = heartbeat;
  }

  /** Returns when the subscriber is stopped; throws when the client is gone. */
  void write(final Subscription subscription) throws IOException, InterruptedException {
    out.write(PREAMBLE);
    if (!subscription.resumed()) {
      out.write(reset(subscription.newestId()));
    }
    for (final FeedEvent missed : subscription.missed()) {
      out.write(missed.frame());
    }
    out.flush();
    final Subscriber subscriber = subscription.subscriber();
    while (true) {
      final List<FeedEvent> batch = subscriber.take(heartbeat);
      if (subscriber.stopped()) {
        return;
      }
      if (batch.isEmpty()) {
        out.write(HEARTBEAT);
      }
      for (final FeedEvent event : batch) {
        out.write(event.frame());
      }
      out.flush();
    }
  }

  private static byte[] reset(final long newestId) {
    return new FeedEvent(newestId, ChangeFeed.RESET, RESET_DATA).frame();
  }
}
