package dev.coexist.db;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The journal's database and the store's. On SQLite they are two files, so that an acknowledgement
 * (a journal commit) never waits for an apply transaction or for the store's checkpoint: {@code
 * NAME.db} holds the store and {@code NAME.journal.db} next to it the journal, attached to the
 * store's connections for reading. On PostgreSQL both are the same database.
 */
public record Storage(Database journal, Database store) implements AutoCloseable {
  // the journal's writer and a reader or two (the API's single entry lookups)
  private static final int JOURNAL_POOL_SIZE = 2;

  /** Opens both and brings their schemas up to date, the journal's first. */
  public static Storage open(final String jdbcUrl, final Duration busyTimeout, final int poolSize) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
      final Database both = Database.open(jdbcUrl, busyTimeout, poolSize);
      return new Storage(both, both);
    }
    final Path storeFile = Database.sqliteFile(jdbcUrl);
    if (storeFile == null) {
      throw new IllegalArgumentException(
          "SQLite needs a database file (the journal goes into a file next to it), not "
              + Database.redacted(jdbcUrl));
    }
    final Path journalFile = journalFileOf(storeFile);
    final Database journal =
        Database.openSqliteJournal(journalFile, busyTimeout, JOURNAL_POOL_SIZE);
    try {
      return new Storage(
          journal, Database.openSqliteStore(jdbcUrl, journalFile, busyTimeout, poolSize));
    } catch (RuntimeException failed) {
      journal.close();
      throw failed;
    }
  }

  /** The journal's file of SQLite's store file: {@code coexist.db} → {@code coexist.journal.db}. */
  public static Path journalFileOf(final Path storeFile) {
    final String name = storeFile.getFileName().toString();
    final String stem = name.endsWith(".db") ? name.substring(0, name.length() - 3) : name;
    return storeFile.resolveSibling(stem + ".journal.db");
  }

  public Engine engine() {
    return store.engine();
  }

  @Override
  public void close() {
    store.close();
    if (journal != store) {
      journal.close();
    }
  }
}
