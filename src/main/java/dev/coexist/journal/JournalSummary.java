package dev.coexist.journal;

/**
 * A journal row without its body, for listings (e.g. the failed deliveries).
 *
 * @param headersJson the headers that matter, as the JSON object they were journalled as
 * @param bodyBytes size of the raw body
 * @param updatedAtMillis when the state last changed (epoch milliseconds)
 */
public record JournalSummary(
    long id,
    long receivedAtMillis,
    String route,
    String headersJson,
    String eventId,
    String bodySha256,
    long bodyBytes,
    String state,
    String error,
    int attempts,
    Long duplicateOf,
    long updatedAtMillis) {}
