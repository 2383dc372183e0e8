package dev.coexist.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Turns the operator's way of naming a database into a JDBC URL. */
final class DatabaseUrls {
  private DatabaseUrls() {}

  static String toJdbc(final String database, final Path dataDir) {
    if (database.isEmpty()) {
      return "jdbc:sqlite:" + dataDir.resolve("coexist.db");
    }
    if (database.startsWith("jdbc:sqlite:") || database.startsWith("jdbc:postgresql:")) {
      return database;
    }
    if (database.startsWith("sqlite:")) {
      return "jdbc:" + database;
    }
    if (database.startsWith("postgresql://") || database.startsWith("postgres://")) {
      return postgresJdbc(database);
    }
    throw new ConfigException(
        ConfigKey.DATABASE,
        "must be empty (SQLite in the data dir), sqlite:PATH, postgresql://user:pass@host:port/db,"
            + " jdbc:sqlite:… or jdbc:postgresql:…, was '"
            + database
            + "'");
  }

  private static String postgresJdbc(final String database) {
    try {
      final URI uri = new URI(database);
      if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
        throw new ConfigException(
            ConfigKey.DATABASE, "a postgresql:// URL needs a host and a database name");
      }
      final StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
      if (uri.getPort() > 0) {
        jdbc.append(':').append(uri.getPort());
      }
      jdbc.append(uri.getPath());
      final StringBuilder query = new StringBuilder();
      if (uri.getRawQuery() != null) {
        query.append(uri.getRawQuery());
      }
      if (uri.getUserInfo() != null) {
        final String[] user = uri.getUserInfo().split(":", 2);
        appendParameter(query, "user", user[0]);
        if (user.length == 2) {
          appendParameter(query, "password", user[1]);
        }
      }
      if (!query.isEmpty()) {
        jdbc.append('?').append(query);
      }
      return jdbc.toString();
    } catch (URISyntaxException invalid) {
      throw new ConfigException(ConfigKey.DATABASE, "is not a valid URL: " + invalid.getMessage());
    }
  }

  private static void appendParameter(
      final StringBuilder query, final String name, final String value) {
    if (!query.isEmpty()) {
      query.append('&');
    }
    query
        .append(name)
        .append('=')
        .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
  }
}
