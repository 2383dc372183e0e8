package dev.coexist.db;

/** The two supported database engines; the SQL they disagree on is named per engine. */
public enum Engine {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String migrationFolder;

  Engine(final String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  String migrationFolder() {
    return migrationFolder;
  }

  static Engine of(final String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("unsupported database URL " + Database.redacted(jdbcUrl));
  }
}
