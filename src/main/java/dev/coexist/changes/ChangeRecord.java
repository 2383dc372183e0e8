package dev.coexist.changes;

import java.time.Instant;

/**
 * One row of the change log.
 *
 * @param seq the event id: the SSE {@code id:} and the outbound {@code webhook-id}
 * @param dataJson the change's data, a JSON object
 */
public record ChangeRecord(
    long seq,
    Instant committedAt,
    String type,
    String phoneNumberId,
    Long threadId,
    String dataJson) {

  /** The change event as the feed and outbound webhooks send it: type, timestamp and data. */
  public String eventJson() {
    return "{\"type\":\""
        + type
        + "\",\"timestamp\":\""
        + committedAt
        + "\",\"data\":"
        + dataJson
        + "}";
  }
}
