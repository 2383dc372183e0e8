package dev.coexist.changes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Writes one subscription as {@code text/event-stream}: a preamble, the missed changes read from
 * the change log a page at a time (or a {@link ChangeFeed#RESET} when there is nothing to resume
 * from), then live events as they come, with a comment line as heartbeat whenever the stream was
 * silent for the heartbeat interval. Flushes after every write so that nothing waits in a buffer.
 */
final class EventWriter {
  private static final byte[] PREAMBLE =
      "retry: 2000\n: coexist change feed\n\n".getBytes(StandardCharsets.UTF_8);
  private static final String RESET_DATA =
      "{\"reason\":\"the events since Last-Event-ID are not known (none given, older than the"
          + " change log keeps, or from another store): reload, then follow this stream\"}";
  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
  private static final int PAGE = 500;

  /** Reads the change log: up to {@code limit} changes after {@code after}, up to {@code upTo}. */
  @FunctionalInterface
  interface Missed {
    List<ChangeRecord> page(long after, long upTo, int limit) throws SQLException;
  }

  private final OutputStream out;
  private final Duration heartbeat;
  private final Missed missed;

  EventWriter(final OutputStream out, final Duration heartbeat, final Missed missed) {
    this.out = out;
    this.heartbeat = heartbeat;
    this.missed = missed;
  }

  /** Returns when the subscriber is stopped; throws when the client is gone. */
  void write(final Subscription subscription)
      throws IOException, InterruptedException, SQLException {
    out.write(PREAMBLE);
    final Subscriber subscriber = subscription.subscriber();
    if (subscription.reset()) {
      out.write(reset(subscription.newestId()));
    } else if (subscription.resumeAfter().isPresent()) {
      long after = subscription.resumeAfter().getAsLong();
      while (after < subscription.newestId() && !subscriber.stopped()) {
        final List<ChangeRecord> page = missed.page(after, subscription.newestId(), PAGE);
        if (page.isEmpty()) {
          break;
        }
        for (final ChangeRecord change : page) {
          final FeedEvent event = FeedEvent.of(change);
          if (subscriber.filter().matches(event)) {
            out.write(event.frame());
          }
        }
        after = page.get(page.size() - 1).seq();
        out.flush();
      }
    }
    out.flush();
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
    return new FeedEvent(newestId, ChangeFeed.RESET, null, RESET_DATA).frame();
  }
}
