package dev.coexist.config;

import java.util.Locale;

/**
 * Every configuration key, its default and what it means. Each key is a {@code coexist serve}
 * option ({@code --port}), an environment variable ({@code COEXIST_PORT}) and a line of an optional
 * properties file ({@code port=8080}); the README table is written from this list.
 */
public enum ConfigKey {
  BIND("bind", "127.0.0.1", "Address to listen on."),
  PORT("port", "8080", "HTTP port (0 picks a free one)."),
  DATA_DIR("data-dir", "./data", "Folder for the embedded SQLite database."),
  DATABASE(
      "database",
      "",
      "Database: empty for SQLite in the data dir, sqlite:PATH, postgresql://user:pass@host/db or a"
          + " JDBC URL."),
  PARTNER_SECRET(
      "partner-secret",
      "",
      "360dialog platform secret: checks x-360dialog-signature (HMAC-SHA256)."),
  APP_SECRET("app-secret", "", "Meta app secret: checks X-Hub-Signature-256 (HMAC-SHA256)."),
  HEADER_SECRET(
      "header-secret",
      "",
      "NAME:VALUE of a static header every delivery must carry, e.g. a custom"
          + " header set at 360dialog."),
  VERIFY_TOKEN("verify-token", "", "Token answered by GET /webhooks/whatsapp (Meta handshake)."),
  API_KEY(
      "api-key",
      "",
      "Read API key (Authorization: Bearer KEY); the option may repeat, the variable takes a comma"
          + " list. Without one, a random key is made at the first start and kept in the data dir"
          + " (the file api-key, readable by its owner only), where the log says."),
  MAX_BODY("max-body", "8MB", "Largest accepted webhook body; larger ones get 413."),
  INGEST_MEMORY(
      "ingest-memory",
      "64MB",
      "Most bytes of webhook bodies held at once while they are received, authenticated and"
          + " journalled; beyond it deliveries get 503 + Retry-After. At least twice --max-body, at"
          + " most half the Java heap."),
  JOURNAL_BATCH_MAX("journal-batch-max", "512", "Most deliveries committed in one transaction."),
  JOURNAL_BATCH_WAIT(
      "journal-batch-wait",
      "0ms",
      "How long the journal writer waits for more deliveries before committing a batch that is not"
          + " full (0: commit what has arrived)."),
  JOURNAL_QUEUE_BYTES(
      "journal-queue-bytes",
      "256MB",
      "Bodies waiting for the journal writer at most; beyond it deliveries get 503 + Retry-After."),
  ACK_TIMEOUT(
      "ack-timeout",
      "4s",
      "Longest a delivery waits for its commit before it is answered 503 (360dialog gives up after"
          + " 5 s)."),
  READ_TIMEOUT(
      "read-timeout",
      "20s",
      "Longest a request body may take to arrive; a client that stalls this long is dropped."),
  MAX_CONNECTIONS(
      "max-connections",
      "auto",
      "Most open client connections; a connection beyond it is closed at once. auto: the"
          + " file-descriptor limit less a reserve for the database, journal and logs (logged at"
          + " start)."),
  REQUEST_LINE_TIMEOUT(
      "request-line-timeout",
      "10s",
      "Longest a request line may take to arrive once its first byte has; then the connection is"
          + " closed."),
  HEADER_TIMEOUT(
      "header-timeout",
      "10s",
      "Longest the request headers may take to arrive after the request line; then the connection"
          + " is closed."),
  IDLE_TIMEOUT(
      "idle-timeout",
      "20s",
      "Longest a connection may wait for its first request, or between two requests, before it is"
          + " closed."),
  WRITE_TIMEOUT(
      "write-timeout",
      "30s",
      "Longest any one write of a response (a live feed event, an API page) may wait for the client"
          + " to take its bytes; then the connection is closed."),
  DB_BUSY_TIMEOUT(
      "db-busy-timeout", "2s", "How long a SQLite write waits for a lock held by someone else."),
  DB_POOL_SIZE("db-pool-size", "8", "Connections for readers (and PostgreSQL writers)."),
  DB_START_WAIT(
      "db-start-wait",
      "10m",
      "How long start-up waits for an unreachable PostgreSQL, trying again every 0.5 s doubling to"
          + " 10 s, before it gives up (0: give up at once); a refused login or a missing database"
          + " fails at once."),
  LEASE_TIMEOUT(
      "lease-timeout",
      "10s",
      "A node holds each journal lane its processors apply by a lease this long, renewed while the"
          + " lane has work; a node that dies or freezes loses its lanes to the other nodes when it runs"
          + " out (PostgreSQL: also the longest an apply session may sit idle in a transaction or"
          + " take over one statement)."),
  APPLY_NICE(
      "apply-nice",
      "",
      "The nice value (0-19, Linux) of the threads that apply the journal to the store: when the CPU"
          + " is short, acknowledging deliveries goes first and the apply takes what is left; with CPU"
          + " to spare the apply runs at full speed. Default 10 on SQLite, whose apply does its"
          + " writing on these threads; 0 on PostgreSQL, where the database does the writing and"
          + " these threads mostly wait for it, each wait a turn on the CPU that a niced thread"
          + " gets late. 0 also gives every node of several on one small machine an equal share."),
  HISTORY_STALL_AFTER(
      "history-stall-after",
      "30m",
      "A history import with no new chunk for this long, before progress 100, is shown as"
          + " stalled."),
  CHANGES_RETENTION(
      "changes-retention",
      "7d",
      "How long the change log keeps a change: a live feed client (Last-Event-ID) resumes from as"
          + " far back as this; older ids are told to reload."),
  ALLOW_PRIVATE_TARGETS(
      "allow-private-targets",
      "false",
      "Let outbound webhook subscriptions deliver to loopback and private addresses (refused"
          + " otherwise, so that a subscription is no way into Coexist's own network)."),
  SHUTDOWN_GRACE(
      "shutdown-grace", "10s", "On stop, how long in-flight deliveries may take to be answered."),
  INSECURE(
      "insecure",
      "false",
      "Allow a non-loopback bind address without any webhook authentication (logs a warning).");

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(final String key, final String defaultValue, final String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The name used in properties files, e.g. {@code max-body}. */
  public String key() {
    return key;
  }

  public String option() {
    return "--" + key;
  }

  public String environmentVariable() {
    return "COEXIST_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public static ConfigKey fromKey(final String key) {
    for (final ConfigKey candidate : values()) {
      if (candidate.key.equals(key)) {
        return candidate;
      }
    }
    return null;
  }
}
