package dev.coexist.journal;

import java.nio.charset.StandardCharsets;

/**
 * Which lane of the journal a delivery goes to: the partition of the first {@code phone_number_id}
 * its body names (a hash), so every delivery of one business number shares a partition and applies
 * in order. A partition has two lanes: live deliveries go to lane {@code partition}, history chunks
 * (a {@code history} field or event) to lane {@code partitions + partition}, so that an import is
 * never in the way of a live message, of its own number or of another sharing the partition
 * (history is the past: its order against live deliveries does not matter, the store merges either
 * way). Found by scanning the raw bytes for the keys, not by parsing: this runs for every delivery.
 * A body that names no number (a partner event, {@code account_update}) goes to partition 0. How
 * many partitions there are is the journal's {@link Partitioning}.
 */
public final class Lanes {

  private static final String KEY = "\"phone_number_id\"";
  private static final String FIELD = "\"field\"";
  private static final String EVENT = "\"event\"";
  private static final String HISTORY = "\"history\"";
  private static final int ID_MAX_CHARS = 64;

  private Lanes() {}

  /**
   * What decides a body's lane, found once per delivery on the thread that received it, so that the
   * journal writer only hashes a number: scanning the bodies on the writer's thread took two thirds
   * of it under small deliveries as fast as possible, and every acknowledgement waits for that
   * thread.
   *
   * @param phoneNumberId the first {@code phone_number_id} the body names, null if none
   * @param history whether it is a history delivery
   */
  public record Key(String phoneNumberId, boolean history) {

    /** The lane when the journal has {@code partitions} partitions. */
    public int lane(final int partitions) {
      final int partition = phoneNumberId == null ? 0 : ofNumber(phoneNumberId, partitions);
      return history ? partitions + partition : partition;
    }
  }

  /** The key of a body. */
  public static Key keyOf(final byte[] body) {
    // one char per byte (ISO-8859-1): a compact string holding the same bytes, searched with the
    // JDK's vectorised indexOf instead of a loop over every quote of the JSON; the keys and an id
    // are ASCII, and no UTF-8 byte of a longer character can match an ASCII one
    final String text = new String(body, StandardCharsets.ISO_8859_1);
    return new Key(firstPhoneNumberId(text), isHistory(text));
  }

  /**
   * The partition of a phone number id among {@code partitions}: the lane of its live deliveries,
   * as {@link #keyOf} finds it in a body.
   */
  public static int ofNumber(final String phoneNumberId, final int partitions) {
    return Math.floorMod(phoneNumberId.hashCode(), partitions);
  }

  /** The lane of a phone number id's history chunks. */
  public static int historyOf(final String phoneNumberId, final int partitions) {
    return partitions + ofNumber(phoneNumberId, partitions);
  }

  /** Whether the body is a history delivery: a {@code "field"} or {@code "event"} "history". */
  private static boolean isHistory(final String body) {
    return hasValue(body, FIELD, HISTORY) || hasValue(body, EVENT, HISTORY);
  }

  // whether some key (outside a string: not preceded by a backslash) has exactly the value
  private static boolean hasValue(final String body, final String key, final String value) {
    int from = 0;
    while (true) {
      final int at = body.indexOf(key, from);
      if (at < 0) {
        return false;
      }
      from = at + key.length();
      if (at > 0 && body.charAt(at - 1) == '\\') {
        continue;
      }
      int next = skipSpaces(body, from);
      if (next < body.length() && body.charAt(next) == ':') {
        next = skipSpaces(body, next + 1);
        if (body.startsWith(value, next)) {
          return true;
        }
      }
    }
  }

  /** The value of the first {@code "phone_number_id"} key, string or number; null if none. */
  private static String firstPhoneNumberId(final String body) {
    int from = 0;
    while (true) {
      final int key = body.indexOf(KEY, from);
      if (key < 0) {
        return null;
      }
      int at = skipSpaces(body, key + KEY.length());
      if (at < body.length() && body.charAt(at) == ':') {
        at = skipSpaces(body, at + 1);
        final boolean quoted = at < body.length() && body.charAt(at) == '"';
        final int start = quoted ? at + 1 : at;
        int end = start;
        while (end < body.length() && end - start <= ID_MAX_CHARS && isIdChar(body.charAt(end))) {
          end++;
        }
        final boolean closed =
            quoted ? end < body.length() && body.charAt(end) == '"' : end > start;
        if (closed && end > start && end - start <= ID_MAX_CHARS) {
          return body.substring(start, end);
        }
      }
      // the key text inside a string value, or an odd value: look further
      from = key + KEY.length();
    }
  }

  private static boolean isIdChar(final char value) {
    return (value >= '0' && value <= '9')
        || (value >= 'a' && value <= 'z')
        || (value >= 'A' && value <= 'Z')
        || value == '_'
        || value == '-'
        || value == '.';
  }

  private static int skipSpaces(final String body, final int from) {
    int at = from;
    while (at < body.length()
        && (body.charAt(at) == ' '
            || body.charAt(at) == '\n'
            || body.charAt(at) == '\r'
            || body.charAt(at) == '\t')) {
      at++;
    }
    return at;
  }
}
