package dev.coexist.changes;

import dev.coexist.apply.StoreChange;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the change log for this node's {@link ChangeFeed}: reads every change after the newest it
 * published, in sequence order, whenever changes were committed (the local processors wake it; on
 * PostgreSQL every node's commits are announced with NOTIFY, which a listener of its own receives)
 * and at the latest every {@link FeedSettings#poll()}. It also deletes changes older than the
 * retention, once an hour.
 */
public final class ChangeTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeTail.class);
  private static final int PAGE = 1_000;
  private static final int DELETE_PER_TRANSACTION = 10_000;
  private static final Duration RETENTION_EVERY = Duration.ofHours(1);
  private static final Duration LISTENER_RETRY = Duration.ofSeconds(1);

  private final ChangeFeed feed;
  private final ChangeLog log;
  private final Database database;
  private final FeedSettings settings;
  private final Clock clock;
  private final Runnable published;
  private final WakeableLoop reader;
  private volatile boolean closed;
  private volatile Connection listening;
  private Thread listener;
  private long newest;
  private Instant retentionDue = Instant.MIN;

  public ChangeTail(
      final ChangeFeed feed,
      final ChangeLog log,
      final Database database,
      final FeedSettings settings,
      final Clock clock) {
    this(feed, log, database, settings, clock, () -> {});
  }

  /**
   * @param published told whenever new changes were published, whichever node committed them (the
   *     outbound webhooks' forwarder)
   */
  public ChangeTail(
      final ChangeFeed feed,
      final ChangeLog log,
      final Database database,
      final FeedSettings settings,
      final Clock clock,
      final Runnable published) {
    this.feed = feed;
    this.log = log;
    this.database = database;
    this.settings = settings;
    this.clock = clock;
    this.published = published;
    this.reader = new WakeableLoop("change-tail", settings.poll(), this::round);
  }

  /** Starts after the newest change already in the log. */
  public void start() throws SQLException {
    newest = log.newest();
    feed.startAfter(newest);
    reader.start();
    if (database.engine() == Engine.POSTGRESQL) {
      listener = Thread.ofVirtual().name("change-listener").start(this::listen);
    }
  }

  /** Changes were committed: read them now. Never blocks. */
  public void wake() {
    reader.wake();
  }

  public boolean running() {
    return reader.running();
  }

  private void round() throws SQLException {
    publishNew();
    deleteOld();
  }

  private void publishNew() throws SQLException {
    final long before = newest;
    if (feed.subscriberCount() == 0) {
      // nobody reads the feed here: the newest id is enough (one probe of the key, no rows)
      final long last = log.newest();
      if (feed.skipToIfNobodyListens(last)) {
        newest = Math.max(newest, last);
        if (newest > before) {
          published.run();
        }
        return;
      }
    }
    while (!closed) {
      final List<ChangeRecord> page = log.after(newest, Long.MAX_VALUE, PAGE);
      for (final ChangeRecord change : page) {
        feed.publish(change);
        newest = change.seq();
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    if (newest > before) {
      published.run();
    }
  }

  private void deleteOld() throws SQLException {
    final Instant now = clock.instant();
    if (now.isBefore(retentionDue)) {
      return;
    }
    retentionDue = now.plus(RETENTION_EVERY);
    final long deleted = log.deleteBefore(now.minus(settings.retention()), DELETE_PER_TRANSACTION);
    if (deleted > 0) {
      LOG.info("Deleted {} changes older than {}", deleted, settings.retention());
    }
  }

  /** PostgreSQL: wakes the reader whenever any node announces committed changes. */
  private void listen() {
    while (!closed) {
      try (Connection connection = database.openListenerConnection()) {
        listening = connection;
        try (Statement listen = connection.createStatement()) {
          listen.execute("LISTEN " + StoreChange.CHANNEL);
        }
        wake(); // whatever was committed while not listening
        final PGConnection notifications = connection.unwrap(PGConnection.class);
        while (!closed) {
          final PGNotification[] received =
              notifications.getNotifications((int) settings.poll().toMillis());
          if (received != null && received.length > 0) {
            wake();
          }
        }
      } catch (SQLException | RuntimeException lost) {
        if (!closed) {
          LOG.warn("Listening for changes failed, trying again: {}", lost.getMessage());
          sleep(LISTENER_RETRY);
        }
      } finally {
        listening = null;
      }
    }
  }

  private static void sleep(final Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    final Connection connection = listening;
    if (connection != null) {
      Database.closeQuietly(connection);
    }
    reader.close();
    if (listener != null) {
      listener.interrupt();
      try {
        listener.join(Duration.ofSeconds(5));
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
