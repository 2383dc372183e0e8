package dev.coexist.coexistence;

import java.util.Locale;

/**
 * The documented message status values ({@code statuses[].status} and {@code
 * history_context.status}), in lifecycle order. {@link #UNKNOWN} stands for any other value, which
 * {@link Status#value()} keeps verbatim.
 */
public enum DeliveryStatus {
  PENDING,
  SENT,
  DELIVERED,
  READ,
  PLAYED,
  FAILED,
  /** history only: the message failed on the business app */
  ERROR,
  UNKNOWN;

  static DeliveryStatus of(String value) {
    for (DeliveryStatus status : values()) {
      if (status != UNKNOWN && status.name().equalsIgnoreCase(value.trim())) {
        return status;
      }
    }
    return UNKNOWN;
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
