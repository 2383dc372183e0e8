package dev.coexist.apply;

import dev.coexist.coexistence.DeliveryStatus;
import dev.coexist.coexistence.Status;

/**
 * The order a message status only moves forward in: {@code pending < sent < delivered < read <
 * played}, and {@code failed} (or history's {@code error}) terminal above all. Unknown values rank
 * 0: they are kept in the status history but never become the current status over a known one.
 * Taking the maximum is idempotent and order-free, which is what lets statuses arrive in any order.
 */
final class StatusRank {
  static final int NONE = 0;

  private StatusRank() {}

  static int of(final Status status) {
    return status == null ? NONE : of(status.kind());
  }

  static int of(final DeliveryStatus kind) {
    return switch (kind) {
      case PENDING -> 1;
      case SENT -> 2;
      case DELIVERED -> 3;
      case READ -> 4;
      case PLAYED -> 5;
      case FAILED, ERROR -> 9;
      case UNKNOWN -> NONE;
    };
  }
}
