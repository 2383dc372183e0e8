package dev.coexist.testing;

import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real databases for tests: a SQLite file in a folder of the test's, or a fresh database in an
 * embedded PostgreSQL that the tests start themselves, once per JVM (starting it costs seconds,
 * creating a database milliseconds).
 */
public final class Engines {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private Engines() {}

  /**
   * A new, empty, migrated database of the engine: on SQLite two files (the journal's and the
   * store's), on PostgreSQL one database for both.
   */
  public static Storage open(final Engine engine, final Path folder) {
    return Storage.open(url(engine, folder), Duration.ofSeconds(5), 4);
  }

  /** The JDBC URL of a new, empty database of the engine. */
  public static String url(final Engine engine, final Path folder) {
    return switch (engine) {
      case SQLITE ->
          "jdbc:sqlite:"
              + folder.resolve("coexist-" + DATABASES.incrementAndGet() + ".db").toAbsolutePath();
      case POSTGRESQL -> newPostgresDatabase();
    };
  }

  private static String newPostgresDatabase() {
    final EmbeddedPostgres server = postgres();
    final String name = "coexist_" + DATABASES.incrementAndGet();
    try (Connection admin = server.getPostgresDatabase().getConnection();
        Statement create = admin.createStatement()) {
      create.execute("CREATE DATABASE " + name);
    } catch (SQLException failed) {
      throw new IllegalStateException("cannot create database " + name, failed);
    }
    return server.getJdbcUrl("postgres", name);
  }

  private static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException cannotStart) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", cannotStart);
      }
      final EmbeddedPostgres started = postgres;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException ignored) {
                      // the JVM ends; its temporary folder is cleaned by the library or the OS
                    }
                  }));
    }
    return postgres;
  }

  /** A PostgreSQL session setting as the session sees it ({@code SHOW name}), e.g. "5s". */
  public static String setting(final Connection connection, final String name) throws SQLException {
    try (Statement show = connection.createStatement();
        ResultSet row = show.executeQuery("SHOW " + name)) {
      row.next();
      return row.getString(1);
    }
  }
}
