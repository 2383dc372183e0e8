package dev.coexist.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything Coexist is configured with, validated once at start-up. Values come from command-line
 * options, {@code COEXIST_*} environment variables or a properties file (see {@link ConfigKey}); an
 * invalid value fails start-up with a message that names the key and what it accepts.
 */
public record Config(
    String bind,
    int port,
    Path dataDir,
    String databaseUrl,
    Optional<String> partnerSecret,
    Optional<String> appSecret,
    Optional<HeaderSecret> headerSecret,
    Optional<String> verifyToken,
    List<String> apiKeys,
    long maxBodyBytes,
    long ingestMemoryBytes,
    int journalBatchMax,
    Duration journalBatchWait,
    long journalQueueBytes,
    Duration ackTimeout,
    Duration readTimeout,
    ConnectionCap maxConnections,
    Duration requestLineTimeout,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration writeTimeout,
    Duration databaseBusyTimeout,
    int databasePoolSize,
    Duration databaseStartWait,
    Duration leaseTimeout,
    int applyNice,
    Duration historyStallAfter,
    Duration changesRetention,
    boolean allowPrivateTargets,
    Duration shutdownGrace,
    boolean insecure) {

  /** A static shared secret carried in a request header, as partners configure at 360dialog. */
  public record HeaderSecret(String name, String value) {
    @Override
    public String toString() {
      // never print the secret itself, not even in a log line about the config
      return name + ":***";
    }
  }

  /**
   * The most connections open at once: a number given, or derived at start from the process's
   * file-descriptor limit.
   */
  public sealed interface ConnectionCap {
    /** Derived from the file-descriptor limit when the server starts. */
    record Auto() implements ConnectionCap {}

    /** As configured. */
    record Fixed(int connections) implements ConnectionCap {}
  }

  public Config {
    apiKeys = List.copyOf(apiKeys);
  }

  /** True when at least one scheme authenticates webhook deliveries. */
  public boolean ingestAuthenticated() {
    return partnerSecret.isPresent() || appSecret.isPresent() || headerSecret.isPresent();
  }

  /**
   * Builds and validates a config from raw text values keyed by {@link ConfigKey#key()}; a missing
   * key takes its default.
   *
   * @throws ConfigException naming the first invalid key
   */
  public static Config parse(final Map<ConfigKey, List<String>> raw) {
    return parse(raw, Runtime.getRuntime().maxMemory());
  }

  /**
   * As {@link #parse(Map)}, for a Java heap of {@code maxHeapBytes}.
   *
   * @throws ConfigException naming the first invalid key
   */
  static Config parse(final Map<ConfigKey, List<String>> raw, final long maxHeapBytes) {
    final Values values = new Values(raw);
    final Path dataDir = Path.of(values.single(ConfigKey.DATA_DIR));
    final String database = values.single(ConfigKey.DATABASE);
    final Config config =
        new Config(
            values.bind(),
            values.integer(ConfigKey.PORT, 0, 65_535),
            dataDir,
            DatabaseUrls.toJdbc(database, dataDir),
            values.secret(ConfigKey.PARTNER_SECRET),
            values.secret(ConfigKey.APP_SECRET),
            values.headerSecret(),
            values.secret(ConfigKey.VERIFY_TOKEN),
            values.apiKeys(),
            values.size(ConfigKey.MAX_BODY, 1024, 1L << 30),
            values.size(ConfigKey.INGEST_MEMORY, 2048, 1L << 40),
            values.integer(ConfigKey.JOURNAL_BATCH_MAX, 1, 10_000),
            values.duration(ConfigKey.JOURNAL_BATCH_WAIT, Duration.ZERO, Duration.ofSeconds(1)),
            values.size(ConfigKey.JOURNAL_QUEUE_BYTES, 1L << 20, 1L << 34),
            values.duration(ConfigKey.ACK_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(1)),
            values.duration(ConfigKey.READ_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
            values.connectionCap(),
            values.duration(
                ConfigKey.REQUEST_LINE_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
            values.duration(ConfigKey.HEADER_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
            values.duration(ConfigKey.IDLE_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
            values.duration(ConfigKey.WRITE_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
            values.duration(ConfigKey.DB_BUSY_TIMEOUT, Duration.ZERO, Duration.ofMinutes(1)),
            values.integer(ConfigKey.DB_POOL_SIZE, 1, 200),
            values.duration(ConfigKey.DB_START_WAIT, Duration.ZERO, Duration.ofDays(7)),
            values.duration(ConfigKey.LEASE_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(10)),
            values.single(ConfigKey.APPLY_NICE).isEmpty()
                ? defaultApplyNice(DatabaseUrls.toJdbc(database, dataDir))
                : values.integer(ConfigKey.APPLY_NICE, 0, 19),
            values.duration(
                ConfigKey.HISTORY_STALL_AFTER, Duration.ofSeconds(1), Duration.ofDays(7)),
            values.duration(
                ConfigKey.CHANGES_RETENTION, Duration.ofMinutes(1), Duration.ofDays(3_650)),
            values.bool(ConfigKey.ALLOW_PRIVATE_TARGETS),
            values.duration(ConfigKey.SHUTDOWN_GRACE, Duration.ZERO, Duration.ofMinutes(10)),
            values.bool(ConfigKey.INSECURE));
    config.checkBindIsProtected();
    config.checkIngestMemory(maxHeapBytes);
    return config;
  }

  /**
   * {@code --apply-nice} when not given (see {@link ConfigKey#APPLY_NICE}): on 2 cores at 5,000
   * live deliveries/s on SQLite, 10 kept the acknowledgements' p99 under 70 ms where 0 let them
   * fall seconds behind; on PostgreSQL at 2,000/s, 0 brought a message's ack → visible p99 from 471
   * to 280 ms with the acknowledgements' p99 at 76 ms.
   */
  private static int defaultApplyNice(final String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:postgresql:") ? 0 : 10;
  }

  private void checkIngestMemory(final long maxHeapBytes) {
    // a chunked body is briefly held twice (its parts, then the joined body), so the largest one
    // needs twice --max-body to be taken at all, even on an idle server
    if (ingestMemoryBytes < 2 * maxBodyBytes) {
      throw new ConfigException(
          ConfigKey.INGEST_MEMORY,
          "must be at least twice --max-body ("
              + 2 * maxBodyBytes
              + " bytes), was "
              + ingestMemoryBytes
              + " bytes");
    }
    // the rest of the heap carries the journal's queue, the store's work and the server itself;
    // a budget past half of it would let bodies alone starve them
    if (ingestMemoryBytes > maxHeapBytes / 2) {
      throw new ConfigException(
          ConfigKey.INGEST_MEMORY,
          "must be at most half the Java heap ("
              + maxHeapBytes / 2
              + " bytes of "
              + maxHeapBytes
              + " with this -Xmx), was "
              + ingestMemoryBytes
              + " bytes; give a smaller value or the JVM a larger -Xmx");
    }
  }

  private void checkBindIsProtected() {
    if (!ingestAuthenticated() && !insecure && !isLoopback(bind)) {
      throw new ConfigException(
          ConfigKey.BIND,
          "binding "
              + bind
              + " (not loopback) with no webhook authentication configured is refused: set one of "
              + "--partner-secret, --app-secret, --header-secret, or pass --insecure to accept "
              + "unauthenticated deliveries");
    }
  }

  static boolean isLoopback(final String host) {
    final String lower = host.toLowerCase(Locale.ROOT);
    return lower.equals("localhost")
        || lower.equals("::1")
        || lower.equals("[::1]")
        || lower.startsWith("127.");
  }

  /** Reads and checks the text values of one config source merge. */
  private static final class Values {
    private static final Pattern SIZE =
        Pattern.compile("(?i)\\s*(\\d+)\\s*(b|kb|k|mb|m|gb|g)?\\s*");
    private static final Pattern DURATION = Pattern.compile("(?i)\\s*(\\d+)\\s*(ms|s|m|h|d)?\\s*");

    private final Map<ConfigKey, List<String>> raw;

    Values(final Map<ConfigKey, List<String>> raw) {
      this.raw = raw;
    }

    List<String> all(final ConfigKey key) {
      final List<String> given = raw.get(key);
      if (given == null || given.isEmpty()) {
        return key.defaultValue() == null ? List.of() : List.of(key.defaultValue());
      }
      return given;
    }

    String single(final ConfigKey key) {
      final List<String> given = all(key);
      if (given.size() > 1) {
        throw new ConfigException(key, "may be given once, was given " + given.size() + " times");
      }
      return given.isEmpty() ? "" : given.get(0).trim();
    }

    String bind() {
      final String bind = single(ConfigKey.BIND);
      if (bind.isEmpty() || bind.contains(" ") || bind.contains("/")) {
        throw new ConfigException(
            ConfigKey.BIND, "must be an IP address or host name, was '" + bind + "'");
      }
      return bind;
    }

    int integer(final ConfigKey key, final int min, final int max) {
      final String text = single(key);
      try {
        final int value = Integer.parseInt(text);
        if (value < min || value > max) {
          throw new ConfigException(
              key, "must be between " + min + " and " + max + ", was " + value);
        }
        return value;
      } catch (NumberFormatException notANumber) {
        throw new ConfigException(key, "must be a whole number, was '" + text + "'");
      }
    }

    long size(final ConfigKey key, final long min, final long max) {
      final String text = single(key);
      final Matcher matcher = SIZE.matcher(text);
      if (!matcher.matches()) {
        throw new ConfigException(
            key, "must be a size such as 512KB, 8MB or 1048576 (bytes), was '" + text + "'");
      }
      final long number = Long.parseLong(matcher.group(1));
      final String unit =
          matcher.group(2) == null ? "b" : matcher.group(2).toLowerCase(Locale.ROOT);
      final long bytes =
          switch (unit) {
            case "k", "kb" -> number * 1024;
            case "m", "mb" -> number * 1024 * 1024;
            case "g", "gb" -> number * 1024 * 1024 * 1024;
            default -> number;
          };
      if (bytes < min || bytes > max) {
        throw new ConfigException(
            key, "must be between " + min + " and " + max + " bytes, was " + text);
      }
      return bytes;
    }

    Duration duration(final ConfigKey key, final Duration min, final Duration max) {
      final String text = single(key);
      final Matcher matcher = DURATION.matcher(text);
      if (!matcher.matches()) {
        throw new ConfigException(
            key, "must be a duration such as 500ms, 5s, 2m, 1h or 1d, was '" + text + "'");
      }
      final long number = Long.parseLong(matcher.group(1));
      final String unit =
          matcher.group(2) == null ? "ms" : matcher.group(2).toLowerCase(Locale.ROOT);
      final Duration duration =
          switch (unit) {
            case "s" -> Duration.ofSeconds(number);
            case "d" -> Duration.ofDays(number);
            case "m" -> Duration.ofMinutes(number);
            case "h" -> Duration.ofHours(number);
            default -> Duration.ofMillis(number);
          };
      if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
        throw new ConfigException(
            key,
            "must be between " + min.toMillis() + "ms and " + max.toMillis() + "ms, was " + text);
      }
      return duration;
    }

    ConnectionCap connectionCap() {
      if (single(ConfigKey.MAX_CONNECTIONS).equalsIgnoreCase("auto")) {
        return new ConnectionCap.Auto();
      }
      try {
        return new ConnectionCap.Fixed(integer(ConfigKey.MAX_CONNECTIONS, 1, 10_000_000));
      } catch (ConfigException notANumber) {
        throw new ConfigException(
            ConfigKey.MAX_CONNECTIONS,
            "must be auto or a whole number between 1 and 10000000, was '"
                + single(ConfigKey.MAX_CONNECTIONS)
                + "'");
      }
    }

    boolean bool(final ConfigKey key) {
      final String text = single(key).toLowerCase(Locale.ROOT);
      return switch (text) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off", "" -> false;
        default -> throw new ConfigException(key, "must be true or false, was '" + text + "'");
      };
    }

    Optional<String> secret(final ConfigKey key) {
      final String value = single(key);
      return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    Optional<HeaderSecret> headerSecret() {
      final String value = single(ConfigKey.HEADER_SECRET);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      final int colon = value.indexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new ConfigException(
            ConfigKey.HEADER_SECRET,
            "must be NAME:VALUE, e.g. X-Coexist-Secret:s3cret (a header name, a colon, the value)");
      }
      final String name = value.substring(0, colon).trim();
      if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw new ConfigException(
            ConfigKey.HEADER_SECRET, "header name '" + name + "' is not a valid HTTP header name");
      }
      return Optional.of(new HeaderSecret(name, value.substring(colon + 1).trim()));
    }

    List<String> apiKeys() {
      // the environment variable carries several keys separated by commas
      return all(ConfigKey.API_KEY).stream()
          .flatMap(value -> java.util.Arrays.stream(value.split(",")))
          .map(String::trim)
          .filter(key -> !key.isEmpty())
          .toList();
    }
  }
}
