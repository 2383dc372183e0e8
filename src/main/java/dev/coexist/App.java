package dev.coexist;

import dev.coexist.api.OperationsRoutes;
import dev.coexist.cli.CoexistCommand;
import dev.coexist.ingest.WebhookAuthenticator;
import dev.coexist.ingest.WebhookRoutes;
import dev.coexist.journal.Journal;
import dev.coexist.store.Database;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The composition root: builds every part by hand, in data-path order, and stops them in reverse.
 * Tests start Coexist through {@link #start(Config)} exactly as {@code coexist serve} does.
 */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private final Database database;
  private final Journal journal;
  private final WebhookRoutes webhooks;
  private final WebServer server;
  private final JvmGcMetrics gcMetrics;

  private App(
      final Database database,
      final Journal journal,
      final WebhookRoutes webhooks,
      final WebServer server,
      final JvmGcMetrics gcMetrics) {
    this.database = database;
    this.journal = journal;
    this.webhooks = webhooks;
    this.server = server;
    this.gcMetrics = gcMetrics;
  }

  public static App start(final Config config) {
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(meters);
    if (!config.ingestAuthenticated()) {
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
    final Database database =
        Database.open(
            config.databaseUrl(), config.databaseBusyTimeout(), config.databasePoolSize());
    Journal journal = null;
    try {
      journal =
          new Journal(
              database,
              config.journalBatchMax(),
              config.journalBatchWait(),
              config.journalQueueBytes(),
              meters);
      final WebhookRoutes webhooks =
          new WebhookRoutes(
              new WebhookAuthenticator(config),
              journal,
              config.maxBodyBytes(),
              config.readTimeout(),
              config.ackTimeout(),
              config.verifyToken(),
              meters);
      final OperationsRoutes operations = new OperationsRoutes(journal, meters);
      final WebServer server =
          WebServer.builder()
              .host(config.bind())
              .port(config.port())
              .maxPayloadSize(-1)
              .shutdownGracePeriod(config.shutdownGrace())
              // an idle keep-alive connection, or one that never finishes its headers, is closed
              // by the server's idle sweep; a stalled body by the webhook routes' read deadline
              .idleConnectionTimeout(config.readTimeout())
              .idleConnectionPeriod(config.readTimeout().dividedBy(2))
              .routing(routing -> routing(routing, webhooks, operations))
              .build()
              .start();
      LOG.info(
          "Coexist listening on http://{}:{} with {}",
          config.bind(),
          server.port(),
          Database.redacted(config.databaseUrl()));
      return new App(database, journal, webhooks, server, gcMetrics);
    } catch (RuntimeException failed) {
      if (journal != null) {
        journal.close();
      }
      database.close();
      throw failed;
    }
  }

  static void routing(
      final HttpRouting.Builder routing,
      final WebhookRoutes webhooks,
      final OperationsRoutes operations) {
    webhooks.register(routing);
    operations.register(routing);
  }

  public int port() {
    return server.port();
  }

  public Journal journal() {
    return journal;
  }

  public Database database() {
    return database;
  }

  /**
   * Stops in order: no new connections, in-flight deliveries answered, the journal's last batch
   * committed, then the database closed.
   */
  @Override
  public void close() {
    server.stop();
    webhooks.close();
    journal.close();
    database.close();
    gcMetrics.close();
    LOG.info("Coexist stopped");
  }

  public static void main(final String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(CoexistCommand.commandLine().execute(args));
  }
}
