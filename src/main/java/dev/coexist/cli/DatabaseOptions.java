package dev.coexist.cli;

import dev.coexist.config.Config;
import dev.coexist.config.ConfigException;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Database;
import dev.coexist.db.ExistingStore;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --data-dir} and {@code --database}, for the commands that work on the store directly. */
final class DatabaseOptions {
  /** The exit code of a command asked to read a store that is not there (or bad options). */
  static final int EXIT_NO_STORE = 2;

  @Option(
      names = "--data-dir",
      description =
          "Folder of the embedded SQLite database (env COEXIST_DATA_DIR, default ./data).")
  String dataDir;

  @Option(
      names = "--database",
      description =
          "sqlite:PATH, postgresql://user:pass@host/db or a JDBC URL (env COEXIST_DATABASE).")
  String database;

  /**
   * The configuration these options and the environment describe, validated like serve's; on an
   * invalid value it says why on {@code err} and returns null.
   */
  Config configOrExplain(final PrintWriter err, final String command) {
    try {
      return config();
    } catch (ConfigException invalid) {
      err.println("coexist " + command + ": " + invalid.getMessage());
      return null;
    }
  }

  /**
   * For a command that reads a store: the configuration, when it names a store that exists.
   * Otherwise it says why on {@code err}, in one line naming the option to give, and returns null
   * (exit {@link #EXIT_NO_STORE}): opening would create an empty store where none was meant to be.
   */
  Config existingStoreOrExplain(final PrintWriter err, final String command) {
    final Config config = configOrExplain(err, command);
    if (config == null) {
      return null;
    }
    final Optional<String> missing;
    try {
      missing = ExistingStore.missing(config.databaseUrl());
    } catch (SQLException unreachable) {
      err.println(
          "coexist "
              + command
              + ": cannot read "
              + Database.redacted(config.databaseUrl())
              + ": "
              + unreachable.getMessage());
      return null;
    }
    if (missing.isEmpty()) {
      return config;
    }
    err.println(
        "coexist "
            + command
            + ": no Coexist store here ("
            + missing.get()
            + "); "
            + (databaseGiven()
                ? "give the store coexist serve uses with --database"
                : "give the folder coexist serve uses with --data-dir DIR (or --database)"));
    return null;
  }

  /** Whether the database was named ({@code --database} or its variable), not the data dir. */
  private boolean databaseGiven() {
    final String value =
        database != null ? database : System.getenv(ConfigKey.DATABASE.environmentVariable());
    return value != null && !value.isEmpty();
  }

  Config config() {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    put(raw, ConfigKey.DATA_DIR, dataDir);
    put(raw, ConfigKey.DATABASE, database);
    return Config.parse(raw);
  }

  private static void put(
      final Map<ConfigKey, List<String>> raw, final ConfigKey key, final String option) {
    final String value = option != null ? option : System.getenv(key.environmentVariable());
    if (value != null) {
      raw.put(key, List.of(value));
    }
  }
}
