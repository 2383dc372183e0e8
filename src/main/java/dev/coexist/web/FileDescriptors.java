package dev.coexist.web;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/**
 * The process's file-descriptor limit, and how many client connections it leaves room for. Every
 * connection is a descriptor; the database, the journal, the class path's jars, logs and the JVM
 * itself need theirs too, and a process without any left cannot even accept a connection to close
 * it.
 */
public final class FileDescriptors {
  /**
   * Descriptors kept for the JVM itself: measured at ~150 with the test class path (jars, epoll,
   * pipes, logs), fewer from the single jar.
   */
  private static final long JVM_RESERVE = 160;

  /**
   * Per connection of the database pool: SQLite opens the database, its WAL and shared memory, and
   * the journal has its own file; a PostgreSQL connection is one socket.
   */
  private static final long PER_DATABASE_CONNECTION = 4;

  /**
   * On a large limit a quarter is kept back: enough for a database pool of any configured size with
   * room to spare, and still hundreds of thousands of connections at a limit of a million.
   */
  private static final long RESERVE_SHARE = 4;

  /** Fewer than this and Coexist could not serve its own health checks next to one client. */
  private static final int MINIMUM_CAP = 8;

  /** Where no limit can be read (not a Unix JVM): a cap that one ordinary process can hold. */
  private static final int UNKNOWN_LIMIT_CAP = 4_096;

  private FileDescriptors() {}

  /** The limit of open descriptors of this process, when the JVM can tell it. */
  public static OptionalLong limit() {
    final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }

  /** Descriptors this process has open now, when the JVM can tell it. */
  public static OptionalLong open() {
    final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix && unix.getOpenFileDescriptorCount() >= 0) {
      return OptionalLong.of(unix.getOpenFileDescriptorCount());
    }
    return OptionalLong.empty();
  }

  /** The connection cap a limit leaves room for, next to a pool of database connections. */
  public static int connectionCap(final OptionalLong limit, final int databaseConnections) {
    if (limit.isEmpty()) {
      return UNKNOWN_LIMIT_CAP;
    }
    final long descriptors = limit.getAsLong();
    final long reserve =
        Math.max(
            JVM_RESERVE + FrontDoor.REFUSAL_SLOTS + PER_DATABASE_CONNECTION * databaseConnections,
            descriptors / RESERVE_SHARE);
    return (int) Math.min(Integer.MAX_VALUE, Math.max(MINIMUM_CAP, descriptors - reserve));
  }
}
