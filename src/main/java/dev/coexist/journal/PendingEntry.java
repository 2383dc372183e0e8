package dev.coexist.journal;

/**
 * A journal entry waiting to be applied: only what the processor needs.
 *
 * @param id the journal id; entries are applied in id order
 * @param receivedAtMillis when the delivery arrived (epoch milliseconds)
 * @param body the raw bytes as received
 */
public record PendingEntry(long id, long receivedAtMillis, byte[] body) {}
