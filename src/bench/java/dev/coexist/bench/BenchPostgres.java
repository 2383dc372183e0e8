package dev.coexist.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server of a store benchmark: one given by the operator (a JDBC URL of a database
 * whose user may create databases), or a real PostgreSQL 17 started from the embedded binaries the
 * tests use, in a temporary folder, on a free loopback port. Every scenario gets a new database.
 */
final class BenchPostgres implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BenchPostgres.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final EmbeddedPostgres embedded;
  private final String adminUrl;
  private final String description;

  private BenchPostgres(
      final EmbeddedPostgres embedded, final String adminUrl, final String description) {
    this.embedded = embedded;
    this.adminUrl = adminUrl;
    this.description = description;
  }

  /** {@code adminUrl} null: start the embedded server. */
  static BenchPostgres start(final String adminUrl) throws IOException {
    if (adminUrl != null) {
      return new BenchPostgres(null, adminUrl, "PostgreSQL at " + redacted(adminUrl));
    }
    LOG.info("starting an embedded PostgreSQL for the benchmark");
    final EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
    final String url = embedded.getJdbcUrl("postgres", "postgres");
    return new BenchPostgres(embedded, url, "embedded PostgreSQL 17 on port " + embedded.getPort());
  }

  String description() {
    return description;
  }

  private static String name(final int database) {
    return "coexist_bench_" + ProcessHandle.current().pid() + "_" + database;
  }

  /**
   * Before a step that must not pay for the one before it: drops the databases this run made so far
   * (their servers are stopped; autovacuum would otherwise still work through them) and writes the
   * server's dirty pages (CHECKPOINT), so that the step does not meet the previous step's
   * checkpoint halfway through. A server whose user may not checkpoint is only warned about.
   */
  void settle() throws SQLException {
    try (Connection admin = DriverManager.getConnection(adminUrl);
        Statement statement = admin.createStatement()) {
      for (int database = 1; database <= DATABASES.get(); database++) {
        statement.execute("DROP DATABASE IF EXISTS " + name(database));
      }
      try {
        statement.execute("CHECKPOINT");
      } catch (SQLException refused) {
        LOG.warn(
            "CHECKPOINT refused ({}): a step may meet the previous one's checkpoint",
            refused.getMessage());
      }
    }
  }

  /** A new, empty database on the server; its JDBC URL. */
  String newDatabase() throws SQLException {
    final String name = name(DATABASES.incrementAndGet());
    try (Connection admin = DriverManager.getConnection(adminUrl);
        Statement create = admin.createStatement()) {
      create.execute("CREATE DATABASE " + name);
    }
    final int query = adminUrl.indexOf('?');
    final String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
    final String parameters = query < 0 ? "" : adminUrl.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + name + parameters;
  }

  private static String redacted(final String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
