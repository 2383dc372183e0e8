package dev.coexist.journal;

import java.nio.charset.StandardCharsets;

/**
 * Which lane of the journal a delivery goes to: the partition of the first {@code phone_number_id}
 * its body names (a hash), so every delivery of one business number shares a partition and applies
 * in order. A partition has two lanes: live deliveries go to lane {@code partition}, history chunks
 * (a {@code history} field or event) to lane {@code partitions + partition}, so that an import is
 * never in the way of a live message, of its own number or of another sharing the partition
 * (history is the past: its order against live deliveries does not matter, the store merges either
 * way). Found by scanning the raw bytes for the keys, not by parsing: this runs on the journal
 * writer's thread for every delivery. A body that names no number (a partner event, {@code
 * account_update}) goes to partition 0. How many partitions there are is the journal's {@link
 * Partitioning}.
 */
public final class Lanes {

  private static final byte[] KEY = "\"phone_number_id\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FIELD = "\"field\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "\"event\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HISTORY = "\"history\"".getBytes(StandardCharsets.US_ASCII);
  private static final int ID_MAX_CHARS = 64;

  private Lanes() {}

  /** The lane of a body when the journal has {@code partitions} partitions. */
  public static int of(final byte[] body, final int partitions) {
    final String number = firstPhoneNumberId(body);
    final int partition = number == null ? 0 : ofNumber(number, partitions);
    return isHistory(body) ? partitions + partition : partition;
  }

  /**
   * The partition of a phone number id among {@code partitions}: the lane of its live deliveries,
   * as {@link #of} finds it in a body.
   */
  public static int ofNumber(final String phoneNumberId, final int partitions) {
    return Math.floorMod(phoneNumberId.hashCode(), partitions);
  }

  /** The lane of a phone number id's history chunks. */
  public static int historyOf(final String phoneNumberId, final int partitions) {
    return partitions + ofNumber(phoneNumberId, partitions);
  }

  /** Whether the body is a history delivery: a {@code "field"} or {@code "event"} "history". */
  static boolean isHistory(final byte[] body) {
    return hasValue(body, FIELD, HISTORY) || hasValue(body, EVENT, HISTORY);
  }

  // whether some key (outside a string: not preceded by a backslash) has exactly the value
  private static boolean hasValue(final byte[] body, final byte[] key, final byte[] value) {
    int from = 0;
    while (true) {
      final int at = indexOf(body, key, from);
      if (at < 0) {
        return false;
      }
      from = at + key.length;
      if (at > 0 && body[at - 1] == '\\') {
        continue;
      }
      int next = skipSpaces(body, from);
      if (next < body.length && body[next] == ':') {
        next = skipSpaces(body, next + 1);
        if (startsWith(body, next, value)) {
          return true;
        }
      }
    }
  }

  private static boolean startsWith(final byte[] body, final int at, final byte[] prefix) {
    if (at + prefix.length > body.length) {
      return false;
    }
    for (int index = 0; index < prefix.length; index++) {
      if (body[at + index] != prefix[index]) {
        return false;
      }
    }
    return true;
  }

  /** The value of the first {@code "phone_number_id"} key, string or number; null if none. */
  static String firstPhoneNumberId(final byte[] body) {
    int from = 0;
    while (true) {
      final int key = indexOf(body, KEY, from);
      if (key < 0) {
        return null;
      }
      int at = skipSpaces(body, key + KEY.length);
      if (at < body.length && body[at] == ':') {
        at = skipSpaces(body, at + 1);
        final boolean quoted = at < body.length && body[at] == '"';
        final int start = quoted ? at + 1 : at;
        int end = start;
        while (end < body.length && end - start <= ID_MAX_CHARS && isIdByte(body[end])) {
          end++;
        }
        final boolean closed = quoted ? end < body.length && body[end] == '"' : end > start;
        if (closed && end > start && end - start <= ID_MAX_CHARS) {
          return new String(body, start, end - start, StandardCharsets.US_ASCII);
        }
      }
      // the key text inside a string value, or an odd value: look further
      from = key + KEY.length;
    }
  }

  private static boolean isIdByte(final byte value) {
    return (value >= '0' && value <= '9')
        || (value >= 'a' && value <= 'z')
        || (value >= 'A' && value <= 'Z')
        || value == '_'
        || value == '-'
        || value == '.';
  }

  private static int skipSpaces(final byte[] body, final int from) {
    int at = from;
    while (at < body.length
        && (body[at] == ' ' || body[at] == '\n' || body[at] == '\r' || body[at] == '\t')) {
      at++;
    }
    return at;
  }

  private static int indexOf(final byte[] body, final byte[] needle, final int from) {
    final byte first = needle[0];
    final int last = body.length - needle.length;
    for (int at = from; at <= last; at++) {
      if (body[at] != first) {
        continue;
      }
      int matched = 1;
      while (matched < needle.length && body[at + matched] == needle[matched]) {
        matched++;
      }
      if (matched == needle.length) {
        return at;
      }
    }
    return -1;
  }
}
