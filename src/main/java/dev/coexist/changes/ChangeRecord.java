package dev.coexist.changes;

import java.time.Instant;

/**
 * One row of the change log.
 *
 * @param seq the event id: the SSE {@code id:} and the outbound {@code webhook-id}
 * @param dataJson the change's data, a JSON object
 * @param location for a history chunk's change, where the chunk is in its journal entry's body;
 *     null otherwise
 */
public record ChangeRecord(
    long seq,
    Instant committedAt,
    String type,
    String phoneNumberId,
    Long threadId,
    String dataJson,
    String location) {

  public ChangeRecord(
      final long seq,
      final Instant committedAt,
      final String type,
      final String phoneNumberId,
      final Long threadId,
      final String dataJson) {
    this(seq, committedAt, type, phoneNumberId, threadId, dataJson, null);
  }

  /** The change event as the feed and outbound webhooks send it: type, timestamp and data. */
  public String eventJson() {
    return eventJson(type, committedAt, dataJson);
  }

  /** An event: {@code {"type", "timestamp", "data"}}, the data given as JSON. */
  static String eventJson(final String type, final Instant committedAt, final String dataJson) {
    return "{\"type\":\""
        + type
        + "\",\"timestamp\":\""
        + committedAt
        + "\",\"data\":"
        + dataJson
        + "}";
  }
}
