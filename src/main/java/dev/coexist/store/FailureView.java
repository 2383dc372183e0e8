package dev.coexist.store;

import java.time.Instant;
import java.util.Set;

/**
 * A failed send: a {@code failed} status of an outbound message, with its errors as received.
 *
 * @param threadId the message's thread; null when its recipient named nobody (no record)
 * @param origins where the message was seen ({@code api}: only its statuses); empty without record
 * @param errorsJson the status's {@code errors[]} as JSON, null when it had none
 */
public record FailureView(
    String phoneNumberId,
    String wamid,
    Long threadId,
    String recipientPhone,
    String recipientUserId,
    Instant at,
    String errorsJson,
    Set<MessageSource> origins) {

  public FailureView {
    origins = Set.copyOf(origins);
  }

  /** Where the next page (older failures) starts when this is the last of a page. */
  public FailureCursor cursor() {
    return new FailureCursor(at == null ? 0 : at.getEpochSecond(), phoneNumberId, wamid);
  }

  /** The position of a failure in the newest-first list. */
  public record FailureCursor(long atSeconds, String phoneNumberId, String wamid) {}
}
