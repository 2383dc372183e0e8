package dev.coexist;

import dev.coexist.api.ApiGuard;
import dev.coexist.api.ApiKeys;
import dev.coexist.api.GeneratedApiKey;
import dev.coexist.api.JournalApi;
import dev.coexist.api.JournalBodies;
import dev.coexist.api.OperationsRoutes;
import dev.coexist.api.PartitionsApi;
import dev.coexist.api.ReadApi;
import dev.coexist.api.Supervised;
import dev.coexist.api.TimelineApi;
import dev.coexist.apply.Processor;
import dev.coexist.changes.ChangeFeed;
import dev.coexist.changes.ChangeLog;
import dev.coexist.changes.ChangeTail;
import dev.coexist.changes.FeedSettings;
import dev.coexist.changes.Forwarder;
import dev.coexist.changes.ForwarderSettings;
import dev.coexist.changes.OutboundQueue;
import dev.coexist.changes.SubscriptionRoutes;
import dev.coexist.changes.Subscriptions;
import dev.coexist.config.Config;
import dev.coexist.db.Database;
import dev.coexist.db.DatabaseWait;
import dev.coexist.inbox.InboxRoutes;
import dev.coexist.ingest.IngestMemory;
import dev.coexist.ingest.WebhookAuthenticator;
import dev.coexist.ingest.WebhookRoutes;
import dev.coexist.journal.Journal;
import dev.coexist.store.LaneStates;
import dev.coexist.store.ProblemQueries;
import dev.coexist.store.StoreQueries;
import dev.coexist.web.HttpListener;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every part by hand, in data-path order, and stops them in reverse.
 * Tests start Coexist through {@link #start(Config)} exactly as {@code coexist serve} does.
 */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  /** The exit code when the HTTP listener stopped on its own. */
  public static final int EXIT_LISTENER_LOST = 3;

  private final DataPath dataPath;
  private final ChangeFeed feed;
  private final ChangeTail tail;
  private final Forwarder forwarder;
  private final WebhookRoutes webhooks;
  private final HttpListener server;
  private final JvmGcMetrics gcMetrics;
  private final List<String> apiKeys;

  private App(
      final DataPath dataPath,
      final ChangeFeed feed,
      final ChangeTail tail,
      final Forwarder forwarder,
      final WebhookRoutes webhooks,
      final HttpListener server,
      final JvmGcMetrics gcMetrics,
      final List<String> apiKeys) {
    this.dataPath = dataPath;
    this.feed = feed;
    this.tail = tail;
    this.forwarder = forwarder;
    this.webhooks = webhooks;
    this.server = server;
    this.gcMetrics = gcMetrics;
    this.apiKeys = apiKeys;
  }

  public static App start(final Config config) {
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(meters);
    logIngestAuthentication(config);
    final List<String> apiKeys = apiKeys(config);
    DatabaseWait.untilReachable(config.databaseUrl(), config.databaseStartWait());
    final FeedSettings feedSettings = FeedSettings.DEFAULT.withRetention(config.changesRetention());
    final ChangeFeed feed = new ChangeFeed(feedSettings, meters);
    // the processors wake the feed's tail after each commit; the tail needs the database first
    final AtomicReference<ChangeTail> committed = new AtomicReference<>();
    final DataPath dataPath =
        DataPath.open(
            DataPath.Settings.of(config),
            meters,
            change -> {
              final ChangeTail waiting = committed.get();
              if (waiting != null) {
                waiting.wake();
              }
            });
    final Journal journal = dataPath.journal();
    final Database database = dataPath.storage().store();
    final ChangeLog changeLog = new ChangeLog(database);
    final Subscriptions subscriptions = new Subscriptions(database);
    final OutboundQueue outbound = new OutboundQueue(database);
    final Forwarder forwarder =
        new Forwarder(
            subscriptions,
            outbound,
            changeLog,
            ForwarderSettings.defaults(config.allowPrivateTargets()),
            Clock.systemUTC(),
            Math::random,
            meters);
    // the tail hears of every node's commits: the forwarder follows it
    final ChangeTail tail =
        new ChangeTail(feed, changeLog, database, feedSettings, Clock.systemUTC(), forwarder::wake);
    WebhookRoutes webhooks = null;
    try {
      try {
        tail.start();
      } catch (SQLException unreadable) {
        throw new IllegalStateException(
            "the change log is unreadable: " + unreadable.getMessage(), unreadable);
      }
      committed.set(tail);
      forwarder.start();
      dataPath.start();
      webhooks =
          new WebhookRoutes(
              new WebhookAuthenticator(config),
              journal,
              config.maxBodyBytes(),
              new IngestMemory(config.ingestMemoryBytes(), meters),
              config.readTimeout(),
              config.ackTimeout(),
              config.verifyToken(),
              meters);
      final ApiKeys keys = new ApiKeys(apiKeys);
      final ApiGuard guard = new ApiGuard(keys);
      final ReadApi readApi =
          new ReadApi(
              StoreQueries.of(database, Clock.systemUTC(), config.historyStallAfter()), guard);
      final JournalApi journalApi =
          new JournalApi(dataPath.states(), new ProblemQueries(database), guard, dataPath::wake);
      final JournalBodies journalBodies = new JournalBodies(journal, guard);
      final TimelineApi timelineApi =
          new TimelineApi(database, Clock.systemUTC(), config.historyStallAfter(), guard);
      final List<Supervised> supervised = new ArrayList<>();
      supervised.add(new Supervised("journal-writer", journal::writerRunning));
      for (final Processor each : dataPath.processors()) {
        supervised.add(new Supervised("processor-" + supervised.size(), each::running));
      }
      supervised.add(new Supervised("change-feed", tail::running));
      supervised.add(new Supervised("webhook-forwarder", forwarder::running));
      final LaneStates lanes = new LaneStates(database, meters);
      final Set<String> processors =
          dataPath.processors().stream().map(Processor::owner).collect(Collectors.toSet());
      final OperationsRoutes operations =
          new OperationsRoutes(
              journal,
              dataPath.states(),
              database.probe(),
              supervised,
              meters,
              new OperationsRoutes.LaneDuty(
                  lanes, processors, config.leaseTimeout().multipliedBy(3)));
      final PartitionsApi partitions = new PartitionsApi(lanes, database, processors, guard);
      final InboxRoutes inbox = new InboxRoutes();
      final WebhookRoutes ingest = webhooks;
      final HttpListener server =
          HttpListener.start(
              config,
              routing -> {
                ingest.register(routing);
                operations.register(routing);
                readApi.register(routing);
                journalApi.register(routing);
                partitions.register(routing);
                journalBodies.register(routing);
                timelineApi.register(routing);
                feed.register(routing, keys, changeLog);
                new SubscriptionRoutes(
                        subscriptions,
                        outbound,
                        guard,
                        Clock.systemUTC(),
                        config.allowPrivateTargets(),
                        forwarder::wake)
                    .register(routing);
                inbox.register(routing);
              },
              meters,
              App::listenerLost);
      LOG.info(
          "Coexist listening on http://{}:{} with {}",
          config.bind(),
          server.port(),
          Database.redacted(config.databaseUrl()));
      return new App(dataPath, feed, tail, forwarder, webhooks, server, gcMetrics, apiKeys);
    } catch (RuntimeException failed) {
      if (webhooks != null) {
        webhooks.close();
      }
      dataPath.close();
      feed.close();
      forwarder.close();
      tail.close();
      throw failed;
    }
  }

  /**
   * The listener stopped by itself: a process that cannot take connections must end, so that its
   * supervisor starts a new one. Exits from a thread of its own, since the shutdown hooks it runs
   * stop the server whose thread reports the loss.
   */
  private static void listenerLost() {
    LOG.error("The HTTP listener stopped while Coexist was running: exiting");
    Thread.ofPlatform().name("exit").start(() -> System.exit(EXIT_LISTENER_LOST));
  }

  private static void logIngestAuthentication(final Config config) {
    if (config.ingestAuthenticated()) {
      return;
    }
    if (config.insecure()) {
      LOG.warn(
          "No webhook authentication is configured and --insecure is set: anyone who reaches {}"
              + " can post deliveries",
          config.bind());
    } else {
      LOG.info(
          "No webhook authentication configured; accepted because {} is loopback", config.bind());
    }
  }

  /**
   * The configured read API keys, or the one Coexist keeps in the data dir (made at the first
   * start), so the API is never open. Where the data dir cannot keep one, a key for this run only,
   * logged: nobody could know it otherwise.
   */
  private static List<String> apiKeys(final Config config) {
    if (!config.apiKeys().isEmpty()) {
      return config.apiKeys();
    }
    final GeneratedApiKey.Kept kept;
    try {
      kept = GeneratedApiKey.in(config.dataDir());
    } catch (IOException | UncheckedIOException cannotKeep) {
      final String key = GeneratedApiKey.newKey();
      LOG.warn(
          "No --api-key configured, and the data dir cannot keep one ({}): the read API and the"
              + " inbox take this key for this run only: {}",
          cannotKeep.getMessage(),
          key);
      return List.of(key);
    }
    LOG.info(
        "No --api-key configured: the read API and the inbox take the key kept in {} ({}; delete"
            + " the file for a new one, or give --api-key)",
        kept.file(),
        kept.made() ? "made now, readable by this user only" : "made at an earlier start");
    if (kept.exposed()) {
      LOG.warn("{} can be read by other users than its owner: chmod 600 it", kept.file());
    }
    return List.of(kept.key());
  }

  public int port() {
    return server.port();
  }

  public Journal journal() {
    return dataPath.journal();
  }

  /** The data path: databases, journal, processors, the journal's states. */
  public DataPath dataPath() {
    return dataPath;
  }

  /** The store's database (on PostgreSQL also the journal's). */
  public Database database() {
    return dataPath.storage().store();
  }

  /** The keys the read API accepts (a generated one when none was configured). */
  public List<String> apiKeys() {
    return apiKeys;
  }

  /**
   * Stops in order: live streams ended, no new connections, in-flight deliveries answered, the
   * journal's last batch committed, the processor stopped, then the database closed.
   */
  @Override
  public void close() {
    feed.close();
    server.close();
    webhooks.close();
    forwarder.close();
    tail.close();
    dataPath.close();
    gcMetrics.close();
    LOG.info("Coexist stopped");
  }
}
