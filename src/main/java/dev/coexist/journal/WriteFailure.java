package dev.coexist.journal;

import java.sql.SQLException;

/**
 * Why a journal write failed: the database cannot write now (every delivery waits and is retried by
 * its sender), or it refused the data it was given (only that delivery is at fault).
 */
sealed interface WriteFailure {
  /** Disk full, connection gone, locked, read-only, ...: 503 and probe until it heals. */
  record Unavailable(String reason) implements WriteFailure {}

  /** The database refused the values themselves: isolate the delivery that holds them. */
  record Refused(String reason) implements WriteFailure {}

  // SQLite's primary result codes for refused values: SQLITE_TOOBIG, SQLITE_CONSTRAINT,
  // SQLITE_MISMATCH, SQLITE_RANGE. Every other code (BUSY, LOCKED, FULL, IOERR, READONLY, ...)
  // speaks of the database, not of the row.
  private static boolean sqliteRefusedData(final int code) {
    final int primary = code & 0xff;
    return primary == 18 || primary == 19 || primary == 20 || primary == 25;
  }

  /**
   * Only failures known to be about the values count as refused: taking an unavailable database for
   * bad data would answer 400 to deliveries that a retry would have saved. So a failure with no SQL
   * state, or one outside the data classes, is unavailable.
   */
  static WriteFailure of(final Throwable failed) {
    final String reason = String.valueOf(failed.getMessage());
    if (!(failed instanceof SQLException sql)) {
      return new Unavailable(reason);
    }
    final String state = sql.getSQLState();
    if (sql.getClass().getName().startsWith("org.sqlite.")) {
      return sqliteRefusedData(sql.getErrorCode()) ? new Refused(reason) : new Unavailable(reason);
    }
    if (state == null || state.length() != 5) {
      return new Unavailable(reason);
    }
    // PostgreSQL's classes 22 data exception (e.g. 22021 a NUL in text), 23 integrity constraint
    // violation, 54 program limit exceeded (e.g. 54000 an index row too big)
    return switch (state.substring(0, 2)) {
      case "22", "23", "54" -> new Refused(reason);
      default -> new Unavailable(reason);
    };
  }
}
