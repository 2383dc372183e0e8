package dev.coexist.cli;

import dev.coexist.config.Config;
import dev.coexist.config.ConfigException;
import dev.coexist.config.ConfigKey;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --data-dir} and {@code --database}, for the commands that work on the store directly. */
final class DatabaseOptions {
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
