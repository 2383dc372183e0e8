package dev.coexist.apply;

import dev.coexist.db.Engine;
import java.util.List;

/**
 * The few statements SQLite and PostgreSQL disagree on; everything else is shared SQL (both engines
 * speak {@code INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING}).
 */
final class Dialect {
  /**
   * The first statement of an apply transaction for the entries of some lanes, and its fence: it
   * finds each lane's row still held by this node's owner name and epoch (see {@link LaneLeases})
   * and returns its position; a lane it does not return is not this transaction's. On SQLite an
   * update of one lane (run per lane) whose first takes the database's lock; on PostgreSQL one
   * query for all of them (arrays of lanes and epochs, then the owner) that locks their rows to the
   * commit, so no other node can claim them meanwhile, and skips a row another transaction has
   * locked.
   */
  final String takeLanes;

  /**
   * The first statement of a transaction that writes store rows of no particular lane (refreshing
   * thread figures): on SQLite a write that takes the lock; none on PostgreSQL (null).
   */
  final String beginWrite;

  /**
   * Up to N threads listed in {@code dirty_threads} (those of live messages only, or the bulk ones
   * of history imports too: bulk 0 or 1), live ones first, in a fixed order. On PostgreSQL each row
   * is locked for the refresh transaction and rows locked by another transaction are skipped: two
   * refreshing processors never wait for (or deadlock on) each other.
   */
  final String takeDirtyThreads;

  /**
   * Waits for the locks of business numbers (an array of {@link NumberLocks} keys, taken in array
   * order) held to the commit; null on SQLite, whose one writer is alone anyway.
   */
  final String lockNumbers;

  /**
   * The keys, among an array of {@link NumberLocks} keys, whose locks this transaction got (held to
   * the commit) without waiting: the others are held by another transaction; null on SQLite.
   */
  final String tryLockNumbers;

  /**
   * Taken before a transaction writes its change-log rows and held until it commits, so that the
   * rows' sequence numbers follow commit order (PostgreSQL: concurrent writers); null on SQLite,
   * whose one writer commits in order anyway.
   */
  final String changeOrder;

  /** Tells other nodes' feeds, at commit, that changes were written; null on SQLite (one node). */
  final String announceChanges;

  /**
   * Which of a JSON array of wamids (one parameter) await their message: one round trip for a whole
   * history chunk. On PostgreSQL the array is unpacked once into an ARRAY for {@code = ANY}: as an
   * {@code IN (SELECT ...)} subquery it was unpacked again for every row of the table.
   */
  final String awaitingAmong;

  /**
   * Which of a JSON array of business numbers (one parameter) have a message awaited: one round
   * trip for the numbers of a transaction's live messages, where a query per number found none.
   */
  final String numbersAwaiting;

  /**
   * A status kept, its message's current status moved forward and the message read, in one
   * statement (PostgreSQL, a round trip where there were three; see StatusWriter); null on SQLite,
   * which runs the three in process.
   */
  final String keepStatus;

  /**
   * Run once on the processor's connection. SQLite's default page cache (2 MB) makes a history
   * import thrash on the wamid index once the store outgrows it. And the processor's commits need
   * no fsync of their own: an entry's store changes and its 'applied' mark commit together, so a
   * commit lost to a power cut leaves the entry pending and it is applied again (idempotently); the
   * journal writer's commits stay synchronous=FULL, and their fsync of the WAL covers the frames
   * before them. On PostgreSQL the same reasoning turns {@code synchronous_commit} off for the
   * processor's session only: WAL order means a journal commit that returned has flushed every
   * earlier processor commit with it.
   */
  final List<String> writerSetup;

  /**
   * The customers of a number known by identities of one kind, among a JSON array of values
   * (parameters: number, kind, array): one round trip for the threads of a history chunk.
   */
  final String identitiesAmong;

  /**
   * Creates the customers of a JSON array of objects (key, phone, user_id, parent_user_id,
   * username) in one statement (parameters: number, array), returning each id with its key (the
   * order of RETURNING is not defined). An existing key returns the existing customer.
   */
  final String createCustomers;

  /**
   * Whether a big batch of messages is first written with a plain insert, falling back to the
   * upsert when one is stored already ({@code MessageWriter}). On PostgreSQL the upsert's
   * speculative insertion is what costs; on SQLite an upsert of a new row costs what an insert
   * does.
   */
  final boolean insertsNewRowsFirst;

  /**
   * Whether {@code MessageWriter} writes a big batch with multi-row upserts of its own. pgjdbc
   * already sends a batch as multi-row statements (reWriteBatchedInserts); sqlite-jdbc steps
   * through a batch one row at a time.
   */
  final boolean multiRowUpserts;

  private Dialect(
      final String takeLanes,
      final String beginWrite,
      final String takeDirtyThreads,
      final String lockNumbers,
      final String tryLockNumbers,
      final String changeOrder,
      final String announceChanges,
      final String awaitingAmong,
      final String numbersAwaiting,
      final String keepStatus,
      final List<String> writerSetup,
      final String identitiesAmong,
      final String createCustomers,
      final boolean insertsNewRowsFirst,
      final boolean multiRowUpserts) {
    this.insertsNewRowsFirst = insertsNewRowsFirst;
    this.multiRowUpserts = multiRowUpserts;
    this.takeLanes = takeLanes;
    this.beginWrite = beginWrite;
    this.takeDirtyThreads = takeDirtyThreads;
    this.lockNumbers = lockNumbers;
    this.tryLockNumbers = tryLockNumbers;
    this.changeOrder = changeOrder;
    this.announceChanges = announceChanges;
    this.awaitingAmong = awaitingAmong;
    this.numbersAwaiting = numbersAwaiting;
    this.keepStatus = keepStatus;
    this.writerSetup = writerSetup;
    this.identitiesAmong = identitiesAmong;
    this.createCustomers = createCustomers;
  }

  /** The advisory lock that orders change-log commits on PostgreSQL. */
  static final long CHANGE_ORDER_LOCK = 7301208655302741919L;

  static Dialect of(final Engine engine) {
    return switch (engine) {
      case SQLITE ->
          new Dialect(
              """
              UPDATE processor_lanes SET taken_at = ? WHERE lane = ? AND owner = ? AND epoch = ?
              RETURNING lane, applied_up_to
              """,
              "UPDATE processor_lanes SET taken_at = ? WHERE lane = -1",
              """
              SELECT d.thread_id, t.phone_number_id FROM dirty_threads d
                LEFT JOIN threads t ON t.id = d.thread_id
               WHERE d.bulk <= ?
               ORDER BY d.bulk, d.thread_id LIMIT ?
              """,
              null,
              null,
              null,
              null,
              """
              SELECT wamid FROM awaiting_messages
               WHERE phone_number_id = ? AND wamid IN (SELECT value FROM json_each(?))
              """,
              """
              SELECT DISTINCT phone_number_id FROM awaiting_messages
               WHERE phone_number_id IN (SELECT value FROM json_each(?))
              """,
              null,
              List.of("PRAGMA cache_size = -65536", "PRAGMA synchronous = NORMAL"),
              """
              SELECT value, customer_id FROM customer_identities
               WHERE phone_number_id = ? AND kind = ?
                 AND value IN (SELECT value FROM json_each(?))
              """,
              // WHERE true: without it SQLite would read ON CONFLICT as a join constraint
              """
              INSERT INTO customers (phone_number_id, customer_key, phone, user_id, parent_user_id,
                                     username)
              SELECT ?, json_extract(value, '$.key'), json_extract(value, '$.phone'),
                     json_extract(value, '$.user_id'), json_extract(value, '$.parent_user_id'),
                     json_extract(value, '$.username')
                FROM json_each(?) WHERE true
              ON CONFLICT (phone_number_id, customer_key) DO UPDATE SET customer_key = excluded.customer_key
              RETURNING id, customer_key
              """,
              false,
              true);
      case POSTGRESQL ->
          new Dialect(
              """
              SELECT p.lane, p.applied_up_to FROM processor_lanes p
                JOIN unnest(CAST(? AS integer[]), CAST(? AS bigint[])) AS l(lane, epoch)
                  ON l.lane = p.lane AND l.epoch = p.epoch
               WHERE p.owner = ?
               ORDER BY p.lane
                 FOR UPDATE OF p SKIP LOCKED
              """,
              null,
              """
              SELECT d.thread_id, t.phone_number_id FROM dirty_threads d
                LEFT JOIN threads t ON t.id = d.thread_id
               WHERE d.bulk <= ?
               ORDER BY d.bulk, d.thread_id LIMIT ?
                 FOR UPDATE OF d SKIP LOCKED
              """,
              // unnest yields the keys in array order: the locks are taken in that order
              "SELECT pg_advisory_xact_lock(%d, key) FROM unnest(CAST(? AS integer[])) AS key"
                  .formatted(NumberLocks.LOCK_CLASS),
              """
              SELECT key FROM unnest(CAST(? AS integer[])) AS key
               WHERE pg_try_advisory_xact_lock(%d, key)
              """
                  .formatted(NumberLocks.LOCK_CLASS),
              "SELECT pg_advisory_xact_lock(" + CHANGE_ORDER_LOCK + ")",
              "SELECT pg_notify('" + StoreChange.CHANNEL + "', '')",
              """
              SELECT wamid FROM awaiting_messages
               WHERE phone_number_id = ?
                 AND wamid = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(? AS jsonb))))
              """,
              """
              SELECT DISTINCT phone_number_id FROM awaiting_messages
               WHERE phone_number_id = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(? AS jsonb))))
              """,
              StatusWriter.KEEP_IN_ONE,
              List.of(
                  "SET synchronous_commit = off",
                  // a wait for a lock never runs on unbounded (a lane's row locked by a frozen
                  // node's transaction is given up after 5 s and tried again later); the
                  // statement timeout is the lease's (ApplySession)
                  "SET lock_timeout = '5s'"),
              """
              SELECT value, customer_id FROM customer_identities
               WHERE phone_number_id = ? AND kind = ?
                 AND value = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(? AS jsonb))))
              """,
              """
              INSERT INTO customers (phone_number_id, customer_key, phone, user_id, parent_user_id,
                                     username)
              SELECT ?, item ->> 'key', item ->> 'phone', item ->> 'user_id',
                     item ->> 'parent_user_id', item ->> 'username'
                FROM jsonb_array_elements(CAST(? AS jsonb)) AS item
              ON CONFLICT (phone_number_id, customer_key) DO UPDATE SET customer_key = excluded.customer_key
              RETURNING id, customer_key
              """,
              true,
              false);
    };
  }

  /**
   * Whether statements about several lanes take them as arrays, once (PostgreSQL: a round trip
   * each), rather than one lane at a time (SQLite: in process, no round trip to save).
   */
  boolean lanesAsArrays() {
    return takeLanes.startsWith("SELECT");
  }
}
