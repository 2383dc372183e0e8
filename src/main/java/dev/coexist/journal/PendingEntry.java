package dev.coexist.journal;

/**
 * A journal entry waiting to be applied: only what the processor needs.
 *
 * @param id the journal id; entries are applied in id order
 * @param receivedAtMillis when the delivery arrived (epoch milliseconds)
 * @param body the raw bytes as received
 * @param lane the journal lane (see {@link Lanes}) the entry is applied in
 */
public record PendingEntry(long id, long receivedAtMillis, byte[] body, int lane) {}
