package dev.coexist.apply;

import java.time.Duration;

/**
 * The processor's tuning values, each with why it is what it is.
 *
 * @param pollInterval how often to look for entries nobody woke the processor for (another process
 *     journalled them, a replay from the CLI)
 * @param messagesPerTransaction a transaction is committed once it holds this many messages (a
 *     single larger entry still goes in one transaction)
 * @param entriesPerRead live entries applied in one go share one transaction's fixed cost (taking
 *     the lane, checking and moving its position, listing threads, the commit); small enough that
 *     such a transaction stays a few milliseconds long
 * @param entriesPerGatheredRead the small entries of many live lanes read together for one
 *     transaction (see GatheredRead): under live traffic for many numbers each lane has a few
 *     waiting, and a transaction per lane paid its fixed cost (a dozen round trips on PostgreSQL)
 *     for each few; this many share it, and such a transaction stays some tens of milliseconds long
 * @param bytesPerGatheredRead the bodies of one gathered read, at most: some hundreds of live
 *     deliveries
 * @param gatherPause after a step of live entries that applied fewer than a gathered read holds
 *     (the processor has caught up), it rests this long before it reads again, so that the next
 *     read gathers what arrived meanwhile: at 2,000 live deliveries/s on PostgreSQL the two
 *     processors otherwise ran 150 transactions a second of a dozen entries each, and the fixed
 *     cost of each (some fifteen statements) took the CPU the deliveries needed; a few milliseconds
 *     more until a message shows is the price
 * @param bytesPerRead what one lane gets before the next lane's turn: a few history chunks at most,
 *     so that a live message of another number waits for little more than one transaction
 * @param quietBytesPerRead what one lane gets on SQLite while no deliveries arrive (a backlog
 *     applied after a restart or a replay, an import journalled before it is applied): nobody waits
 *     for a live message then, and a history lane's chunks go several to a transaction
 * @param quietMessagesPerTransaction the messages of one transaction while no deliveries arrive:
 *     each commit writes every page its transaction changed, the same index pages again for each
 *     chunk, and every transaction of SQLite's search index writes a segment that is merged later;
 *     four times messagesPerTransaction (four chunks) made an SQLite import about a tenth faster
 *     (docs/benchmarks-log.md). As soon as deliveries arrive, transactions go back to
 *     messagesPerTransaction
 * @param claimBytes a read this big (a history chunk) claims its lane from the node's other
 *     processor, is decoded on the decoder thread, and has the next read decoded behind it
 * @param laneBusy how long a lane found held by another node is left alone
 * @param lease {@code --lease-timeout}: a node holds each lane its processors apply by a lease this
 *     long, renewed while the lane has work; a node that dies or freezes loses its lanes when it
 *     runs out (see LaneLeases)
 * @param bulkMessages a transaction of more messages than this (a history chunk) is followed by
 *     another lane's turn at once, not by a rest; its threads are refreshed after live ones
 * @param messagesPerPart while deliveries arrive on SQLite, a big chunk is written this many
 *     messages per transaction: a few milliseconds of writing under load
 * @param retryMax the longest pause after the database refused a transaction
 * @param transactionTries a lone entry whose transaction keeps failing is set aside as failed after
 *     this many tries, so one poisonous delivery never stops the queue
 * @param threadRefreshEvery under a stream of live deliveries one refresh transaction of thread
 *     figures goes between two apply transactions this often (recomputing costs in proportion to a
 *     thread's size, so it is not done in every apply transaction): 100 threads a second in
 *     transactions of ten; a refresh that went on for 100 ms once a second held up the live
 *     messages that arrived meanwhile (the journal's commit → applied times rose in those windows)
 * @param bulkRefreshEvery while deliveries arrive, the threads listed by history imports are
 *     refreshed this often, those of live messages every threadRefreshEvery: an import's threads
 *     hold thousands of messages, a refresh of ten of them took tens of milliseconds with their
 *     numbers' locks held, and during a PostgreSQL import a live message waited p99 111-116 ms for
 *     such refreshes every 100 ms (76.7 ms when they came once a second)
 * @param threadsPerRefresh the most threads one refresh brings up to date when nothing arrives
 * @param threadsPerRefreshTransaction one refresh transaction while deliveries arrive: during an
 *     import on PostgreSQL a refresh of a hundred threads took 27-184 ms, and live messages waited
 *     for it
 * @param ingestActiveWindow deliveries journalled within this window mean senders are active
 * @param maxYield the longest rest between two transactions while deliveries arrive (SQLite): on a
 *     small machine the processor would otherwise take the CPU that acknowledging needs
 * @param nice {@code --apply-nice}: the operating system's nice value of the processor's and the
 *     decoder's threads (Linux; 0 leaves them alone): when the CPU is short, the threads that
 *     acknowledge deliveries are scheduled first and the apply takes what is left, so
 *     acknowledgements never wait for CPU an apply took; with CPU to spare the apply still runs at
 *     full speed. On 2 cores at 5,000 live deliveries/s, 10 kept the acknowledgements' p99 under 70
 *     ms where 0 let them fall seconds behind
 * @param crashesMax the same failure in this many steps in a row will not heal: the thread ends so
 *     that readiness and liveness fail and a supervisor restarts Coexist
 * @param historyStallAfter {@code --history-stall-after}: the history sync a change shows is the
 *     one the API would answer at that moment, {@code stalled} included
 */
public record ProcessorSettings(
    Duration pollInterval,
    int messagesPerTransaction,
    int entriesPerRead,
    int entriesPerGatheredRead,
    long bytesPerGatheredRead,
    Duration gatherPause,
    long bytesPerRead,
    long quietBytesPerRead,
    int quietMessagesPerTransaction,
    long claimBytes,
    Duration laneBusy,
    Duration lease,
    int bulkMessages,
    int messagesPerPart,
    Duration retryMax,
    int transactionTries,
    Duration threadRefreshEvery,
    Duration bulkRefreshEvery,
    int threadsPerRefresh,
    int threadsPerRefreshTransaction,
    Duration ingestActiveWindow,
    Duration maxYield,
    int nice,
    int crashesMax,
    Duration historyStallAfter) {

  /** {@code --history-stall-after}'s default. */
  public static final Duration HISTORY_STALL_AFTER = Duration.ofMinutes(30);

  /** {@code --apply-nice}'s default (see {@link #nice()}). */
  public static final int NICE = 10;

  /** {@code --lease-timeout}'s default. */
  public static final Duration LEASE = Duration.ofSeconds(10);

  /** The defaults: poll every 250 ms, up to 1,000 messages per transaction. */
  public static final ProcessorSettings DEFAULTS = of(Duration.ofMillis(250), 1_000);

  /** The defaults with another poll interval and transaction size. */
  public static ProcessorSettings of(
      final Duration pollInterval, final int messagesPerTransaction) {
    return new ProcessorSettings(
        pollInterval,
        messagesPerTransaction,
        64,
        128,
        128L * 1024,
        Duration.ofMillis(10),
        64L * 1024,
        4L * 1024 * 1024,
        4 * messagesPerTransaction,
        32L * 1024,
        Duration.ofMillis(25),
        LEASE,
        100,
        250,
        Duration.ofSeconds(5),
        3,
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        100,
        10,
        Duration.ofMillis(100),
        Duration.ofMillis(100),
        NICE,
        5,
        HISTORY_STALL_AFTER);
  }

  /** These settings with another {@code --history-stall-after}. */
  public ProcessorSettings withHistoryStallAfter(final Duration stallAfter) {
    return configured(stallAfter, lease, nice);
  }

  /** These settings with another {@code --lease-timeout}. */
  public ProcessorSettings withLease(final Duration newLease) {
    return configured(historyStallAfter, newLease, nice);
  }

  /** These settings with another {@code --apply-nice}. */
  public ProcessorSettings withNice(final int newNice) {
    return configured(historyStallAfter, lease, newNice);
  }

  private ProcessorSettings configured(
      final Duration stallAfter, final Duration newLease, final int newNice) {
    return new ProcessorSettings(
        pollInterval,
        messagesPerTransaction,
        entriesPerRead,
        entriesPerGatheredRead,
        bytesPerGatheredRead,
        gatherPause,
        bytesPerRead,
        quietBytesPerRead,
        quietMessagesPerTransaction,
        claimBytes,
        laneBusy,
        newLease,
        bulkMessages,
        messagesPerPart,
        retryMax,
        transactionTries,
        threadRefreshEvery,
        bulkRefreshEvery,
        threadsPerRefresh,
        threadsPerRefreshTransaction,
        ingestActiveWindow,
        maxYield,
        newNice,
        crashesMax,
        stallAfter);
  }
}
