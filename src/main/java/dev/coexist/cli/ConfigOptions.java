package dev.coexist.cli;

import dev.coexist.config.ConfigException;
import dev.coexist.config.ConfigKey;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns {@link ConfigKey} into command-line options, and merges the sources of a value: the command
 * line first, then the {@code COEXIST_*} environment variable, then the properties file given with
 * {@code --config}, then the default.
 */
final class ConfigOptions {
  static final String CONFIG_FILE_OPTION = "--config";

  private ConfigOptions() {}

  /** A key given as a bare switch on the command line ({@code --insecure}), true or false. */
  private static boolean isFlag(final ConfigKey key) {
    return key == ConfigKey.INSECURE || key == ConfigKey.ALLOW_PRIVATE_TARGETS;
  }

  static void addTo(final CommandSpec spec) {
    for (final ConfigKey key : ConfigKey.values()) {
      final boolean flag = isFlag(key);
      final boolean repeatable = key == ConfigKey.API_KEY;
      final OptionSpec.Builder option =
          OptionSpec.builder(key.option())
              .description(
                  key.description()
                      + " Env "
                      + key.environmentVariable()
                      + (key.defaultValue().isEmpty()
                          ? "."
                          : ", default " + key.defaultValue() + "."))
              .paramLabel(
                  flag ? "" : key.key().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      if (flag) {
        option.type(boolean.class).arity("0..1");
      } else if (repeatable) {
        option.type(List.class).auxiliaryTypes(String.class).arity("1");
      } else {
        option.type(String.class).arity("1");
      }
      spec.addOption(option.build());
    }
    spec.addOption(
        OptionSpec.builder(CONFIG_FILE_OPTION)
            .type(Path.class)
            .paramLabel("FILE")
            .description(
                "Properties file with keys such as port=8080 (env COEXIST_CONFIG); command-line"
                    + " options and environment variables take precedence.")
            .build());
  }

  /** The raw text of every key, from the highest-precedence source that has it. */
  static Map<ConfigKey, List<String>> resolve(
      final CommandSpec spec, final Map<String, String> env) {
    final Properties file = loadFile(spec, env);
    final Map<ConfigKey, List<String>> values = new EnumMap<>(ConfigKey.class);
    for (final ConfigKey key : ConfigKey.values()) {
      final OptionSpec option = spec.findOption(key.option());
      if (option != null && !option.originalStringValues().isEmpty()) {
        values.put(key, isFlag(key) ? List.of(flagValue(option)) : option.originalStringValues());
      } else if (env.get(key.environmentVariable()) != null) {
        values.put(key, List.of(env.get(key.environmentVariable())));
      } else if (file.getProperty(key.key()) != null) {
        values.put(key, List.of(file.getProperty(key.key())));
      }
    }
    return values;
  }

  private static String flagValue(final OptionSpec option) {
    return String.valueOf((Boolean) option.getValue());
  }

  private static Properties loadFile(final CommandSpec spec, final Map<String, String> env) {
    final OptionSpec option = spec.findOption(CONFIG_FILE_OPTION);
    Path path = option == null ? null : option.getValue();
    if (path == null && env.get("COEXIST_CONFIG") != null) {
      path = Path.of(env.get("COEXIST_CONFIG"));
    }
    final Properties properties = new Properties();
    if (path == null) {
      return properties;
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException unreadable) {
      throw new ConfigException(
          "--config (COEXIST_CONFIG): cannot read " + path + ": " + unreadable.getMessage());
    }
    for (final String name : properties.stringPropertyNames()) {
      if (ConfigKey.fromKey(name) == null) {
        throw new ConfigException(
            "--config (COEXIST_CONFIG): unknown key '"
                + name
                + "' in "
                + path
                + "; known keys: "
                + String.join(
                    ", ",
                    java.util.Arrays.stream(ConfigKey.values()).map(ConfigKey::key).toList()));
      }
    }
    return properties;
  }
}
