package dev.coexist.bench;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** What the bench's receiver reads of an event body, without parsing the JSON. */
final class WebhookEvents {
  private WebhookEvents() {}

  /**
   * The commit time of the event ({@code "timestamp":"<ISO-8601>"}), in microseconds since the
   * epoch; -1 when the body has none.
   */
  static long committedMicros(final String event) {
    final String key = "\"timestamp\":\"";
    final int start = event.indexOf(key);
    if (start < 0) {
      return -1;
    }
    final int end = event.indexOf('"', start + key.length());
    if (end < 0) {
      return -1;
    }
    try {
      final Instant at = Instant.parse(event.substring(start + key.length(), end));
      return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    } catch (DateTimeParseException notATime) {
      return -1;
    }
  }

  /** The event's {@code data.wamid}, null when it has none (the first one: the data's own). */
  static String wamid(final String event) {
    final String key = "\"wamid\":\"";
    final int start = event.indexOf(key);
    if (start < 0) {
      return null;
    }
    final int end = event.indexOf('"', start + key.length());
    return end < 0 ? null : event.substring(start + key.length(), end);
  }

  /**
   * The event's {@code data.thread_id} ({@code thread_id} is a key of the data only), or {@link
   * ArrivalLog#NO_THREAD}.
   */
  static long threadId(final String event) {
    final String key = "\"thread_id\":";
    final int start = event.indexOf(key);
    if (start < 0) {
      return ArrivalLog.NO_THREAD;
    }
    int end = start + key.length();
    while (end < event.length() && Character.isDigit(event.charAt(end))) {
      end++;
    }
    final long thread = nonNegative(event.substring(start + key.length(), end));
    return thread < 0 ? ArrivalLog.NO_THREAD : thread;
  }

  /** A non-negative decimal number, or -1. */
  static long nonNegative(final String text) {
    if (text == null || text.isEmpty() || text.length() > 18) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isDigit(text.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(text);
  }
}
