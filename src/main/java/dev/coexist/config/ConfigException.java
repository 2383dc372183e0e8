package dev.coexist.config;

/** An invalid configuration value; the message names the option and environment variable. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(final ConfigKey key, final String problem) {
    super(key.option() + " (" + key.environmentVariable() + "): " + problem);
  }

  public ConfigException(final String message) {
    super(message);
  }
}
