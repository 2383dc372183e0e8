package dev.coexist.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * One database, SQLite or PostgreSQL: its connections, its engine and its schema migrations.
 *
 * <p>SQLite has one writer at a time, so writers get a dedicated connection of their own (see
 * {@link #openWriterConnection()}) and the pool serves readers. On PostgreSQL both come from the
 * pool.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final Engine engine;
  private final String jdbcUrl;
  private final Duration busyTimeout;
  private final HikariDataSource pool;
  private final SQLiteDataSource sqliteWriters;
  // SQLite has one write lock per file. When two writers of this process meet at it, the loser
  // sleeps in SQLite's busy handler (1, 2, 5 ... 100 ms steps), which collapsed the journal to a
  // few
  // hundred acks a second while the processor applied. Taking turns here first, fairly, means the
  // file lock is always free when a writer reaches it.
  private final ReentrantLock writeTurn = new ReentrantLock(true);
  private final java.util.concurrent.atomic.AtomicInteger urgentWaiting =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final Duration MAX_YIELD = Duration.ofMillis(250);
  private volatile long lastUrgentTurn = System.nanoTime() - Duration.ofHours(1).toNanos();
  private final WalCheckpointer checkpointer;
  private final String migrations;
  // SQLite's store: the journal's file, attached to every connection as journal_db, so that the
  // processor and the API read the journal next to the store (reads only: the journal's own
  // writer is the only one that writes it)
  private final String attachJournal;
  private final DatabaseProbe probe;

  private Database(
      final String jdbcUrl,
      final Duration busyTimeout,
      final int poolSize,
      final String migrations,
      final Path journalFile) {
    this.engine = Engine.of(jdbcUrl);
    this.jdbcUrl = jdbcUrl;
    this.busyTimeout = busyTimeout;
    this.migrations = migrations;
    this.attachJournal =
        journalFile == null
            ? null
            : "ATTACH DATABASE '"
                + journalFile.toString().replace("'", "''")
                + "' AS "
                + JOURNAL_SCHEMA;
    final HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("coexist-db");
    hikari.setMaximumPoolSize(poolSize);
    hikari.setMinimumIdle(1);
    // an unreachable database must not stop start-up forever, nor hang a request forever
    hikari.setConnectionTimeout(Math.max(250, busyTimeout.toMillis() + 1000));
    hikari.setInitializationFailTimeout(-1);
    if (engine == Engine.SQLITE) {
      if (sqliteFile(jdbcUrl) == null) {
        throw new IllegalArgumentException(
            "SQLite needs a database file (the journal goes into a file next to it), not "
                + redacted(jdbcUrl));
      }
      SqliteFiles.prepare(
          sqliteFile(jdbcUrl), journalFile == null ? 0 : SqliteFiles.STORE_PAGE_BYTES);
      this.sqliteWriters = sqliteDataSource(jdbcUrl, busyTimeout);
      hikari.setDataSource(sqliteDataSource(jdbcUrl, busyTimeout));
      if (attachJournal != null) {
        hikari.setConnectionInitSql(attachJournal);
      }
      this.checkpointer = new WalCheckpointer(sqliteWriters, this::writeTurn, sqliteFile(jdbcUrl));
    } else {
      this.sqliteWriters = null;
      this.checkpointer = null;
      hikari.setJdbcUrl(jdbcUrl);
      // a batch of N rows goes as one multi-row INSERT (history chunks, the journal's group commit)
      hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    this.pool = new HikariDataSource(hikari);
    this.probe = new DatabaseProbe(this);
  }

  private AutoCloseable writeTurn() {
    beginWriteTurn(false);
    return this::endWriteTurn;
  }

  /** The schema name of the journal's file on the connections of SQLite's store. */
  public static final String JOURNAL_SCHEMA = "journal_db";

  /**
   * Opens a database that holds both the journal and the store (PostgreSQL) and brings its schema
   * up to date.
   */
  public static Database open(
      final String jdbcUrl, final Duration busyTimeout, final int poolSize) {
    final Engine engine = Engine.of(jdbcUrl);
    if (engine == Engine.SQLITE) {
      throw new IllegalArgumentException(
          "SQLite keeps the journal and the store in two files: open them with Storage.open");
    }
    return migrated(new Database(jdbcUrl, busyTimeout, poolSize, engine.migrationFolder(), null));
  }

  /** Opens SQLite's journal file, a database of its own, and brings its schema up to date. */
  public static Database openSqliteJournal(
      final Path journalFile, final Duration busyTimeout, final int poolSize) {
    return migrated(
        new Database("jdbc:sqlite:" + journalFile, busyTimeout, poolSize, "sqlite-journal", null));
  }

  /**
   * Opens SQLite's store with the journal's file attached to its connections, and brings its schema
   * up to date (the journal's schema must be already).
   */
  public static Database openSqliteStore(
      final String jdbcUrl,
      final Path journalFile,
      final Duration busyTimeout,
      final int poolSize) {
    return migrated(
        new Database(jdbcUrl, busyTimeout, poolSize, Engine.SQLITE.migrationFolder(), journalFile));
  }

  private static Database migrated(final Database database) {
    try {
      database.migrate();
      if (database.checkpointer != null) {
        database.checkpointer.start();
      }
    } catch (RuntimeException failed) {
      database.close();
      throw failed;
    }
    return database;
  }

  private void migrate() {
    final var result =
        Flyway.configure()
            .dataSource(pool)
            .locations("classpath:db/migration/" + migrations)
            .load()
            .migrate();
    LOG.info(
        "Database {} ({}) at schema version {}",
        redacted(jdbcUrl),
        engine,
        result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
  }

  public Engine engine() {
    return engine;
  }

  /** Whether the database answers, for readiness (bounded in time, cached briefly). */
  public DatabaseProbe probe() {
    return probe;
  }

  /** Pooled connections for readers (and, on PostgreSQL, writers). */
  public DataSource pool() {
    return pool;
  }

  /**
   * A new connection for a single writer thread, which owns and closes it. On SQLite it is outside
   * the pool so that writes never queue behind readers for a connection.
   */
  public Connection openWriterConnection() throws SQLException {
    if (engine != Engine.SQLITE) {
      final Connection connection = pool.getConnection();
      // durable, whatever an earlier borrower (the processor relaxes it) left on this pooled
      // connection: the journal acknowledges nothing that is not flushed
      try (java.sql.Statement setup = connection.createStatement()) {
        setup.execute("SET synchronous_commit = on");
      } catch (SQLException failed) {
        connection.close();
        throw failed;
      }
      connection.setAutoCommit(false);
      return connection;
    }
    final Connection connection = sqliteWriters.getConnection();
    // the log is copied back by the WalCheckpointer, not inside a writer's commit
    try (java.sql.Statement setup = connection.createStatement()) {
      setup.execute("PRAGMA wal_autocheckpoint = 0");
      if (attachJournal != null) {
        setup.execute(attachJournal);
      }
    } catch (SQLException failed) {
      connection.close();
      throw failed;
    }
    connection.setAutoCommit(false);
    return connection;
  }

  /**
   * A connection of its own for {@link DatabaseProbe}, outside the pool. On PostgreSQL its connect
   * and every read give up after a second (the driver counts whole seconds), so that a database
   * that is gone, or does not answer, shows at once instead of after the pool's timeout.
   */
  Connection openProbeConnection() throws SQLException {
    if (engine == Engine.SQLITE) {
      return sqliteWriters.getConnection();
    }
    final java.util.Properties properties = new java.util.Properties();
    properties.setProperty("connectTimeout", "1");
    properties.setProperty("loginTimeout", "1");
    properties.setProperty("socketTimeout", "1");
    properties.setProperty("ApplicationName", "coexist-probe");
    return java.sql.DriverManager.getConnection(jdbcUrl, properties);
  }

  /**
   * A connection of its own, outside the pool, that a thread keeps for as long as it listens for
   * PostgreSQL notifications (the change feed). PostgreSQL only.
   */
  public Connection openListenerConnection() throws SQLException {
    if (engine != Engine.POSTGRESQL) {
      throw new IllegalStateException("notifications are PostgreSQL's");
    }
    final java.util.Properties properties = new java.util.Properties();
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "coexist-changes");
    return java.sql.DriverManager.getConnection(jdbcUrl, properties);
  }

  /**
   * Waits for this process's turn to write (SQLite); on PostgreSQL writers do not exclude each
   * other and this returns at once. Every write transaction on a writer connection runs between
   * this and {@link #endWriteTurn()}.
   *
   * @param urgent the journal writer: a sender waits for its commit. Urgent writers go first; the
   *     others (the processor, which works asynchronously anyway) wait while an urgent one waits,
   *     but never longer than {@link #MAX_YIELD}, so that applying cannot starve under sustained
   *     load.
   */
  public void beginWriteTurn(final boolean urgent) {
    if (engine != Engine.SQLITE) {
      return;
    }
    if (urgent) {
      lastUrgentTurn = System.nanoTime();
      urgentWaiting.incrementAndGet();
      try {
        writeTurn.lock();
      } finally {
        urgentWaiting.decrementAndGet();
      }
      return;
    }
    final long giveUpYieldingAt = System.nanoTime() + MAX_YIELD.toNanos();
    while (urgentWaiting.get() > 0 && System.nanoTime() < giveUpYieldingAt) {
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
    writeTurn.lock();
  }

  /** Whether an urgent writer (the journal) wrote within {@code window}: senders are waiting. */
  public boolean urgentWritesWithin(final Duration window) {
    return System.nanoTime() - lastUrgentTurn < window.toNanos();
  }

  public void endWriteTurn() {
    if (engine == Engine.SQLITE) {
      writeTurn.unlock();
    }
  }

  /**
   * Gives back every write turn the calling thread holds. For a thread's supervisor after something
   * (an OutOfMemoryError) was thrown between {@link #beginWriteTurn} and {@link #endWriteTurn}: a
   * turn left held would lock every other writer, the journal's included, out for good.
   */
  public void abandonWriteTurns() {
    if (engine == Engine.SQLITE) {
      while (writeTurn.isHeldByCurrentThread()) {
        writeTurn.unlock();
      }
    }
  }

  public Duration busyTimeout() {
    return busyTimeout;
  }

  @Override
  public void close() {
    probe.close();
    if (checkpointer != null) {
      checkpointer.close();
    }
    pool.close();
  }

  private static SQLiteDataSource sqliteDataSource(
      final String jdbcUrl, final Duration busyTimeout) {
    final SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL: a commit has reached the disk before it returns, so an acknowledged delivery survives
    // a power cut, not only a crash of the process
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout((int) busyTimeout.toMillis());
    config.enforceForeignKeys(true);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    // nothing here asks for generated keys (ids come back with RETURNING); left on, sqlite-jdbc
    // queries last_insert_rowid() after every INSERT it executes: 3 % of an import's applying
    // thread
    config.setGetGeneratedKeys(false);
    final SQLiteDataSource dataSource =
        new SQLiteDataSource(config) {
          @Override
          public SQLiteConnection getConnection(final String user, final String password)
              throws SQLException {
            final SQLiteConnection connection = super.getConnection(user, password);
            SearchFold.register(connection);
            return connection;
          }
        };
    dataSource.setUrl(jdbcUrl);
    return dataSource;
  }

  /** The database file of an SQLite URL; null for an in-memory database or a {@code file:} URI. */
  public static Path sqliteFile(final String jdbcUrl) {
    final String file = jdbcUrl.substring("jdbc:sqlite:".length());
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
      return null;
    }
    final int query = file.indexOf('?');
    return Path.of(query < 0 ? file : file.substring(0, query)).toAbsolutePath();
  }

  /** The URL without its password, for logs. */
  public static String redacted(final String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /**
   * Closes a connection of one's own (null: nothing to close); one to a database that is gone may
   * not close cleanly, and is dropped all the same.
   */
  public static void closeQuietly(final Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing more can be done with it
    }
  }
}
