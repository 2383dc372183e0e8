package dev.coexist.journal;

import java.nio.charset.StandardCharsets;

/**
 * Which lane of the journal a delivery goes to: the hash of the first {@code phone_number_id} its
 * body names, so every delivery of one business number shares a lane and applies in order. Found by
 * scanning the raw bytes for the key, not by parsing: this runs on the journal writer's thread for
 * every delivery. A body that names no number (a partner event, {@code account_update}) goes to
 * lane 0. How many lanes there are is the journal's {@link Partitioning}.
 */
public final class Lanes {

  private static final byte[] KEY = "\"phone_number_id\"".getBytes(StandardCharsets.US_ASCII);
  private static final int ID_MAX_CHARS = 64;

  private Lanes() {}

  /** The lane of a body among {@code partitions} lanes. */
  public static int of(final byte[] body, final int partitions) {
    final String number = firstPhoneNumberId(body);
    return number == null ? 0 : ofNumber(number, partitions);
  }

  /** The lane of a phone number id among {@code partitions}, as {@link #of} finds it in a body. */
  public static int ofNumber(final String phoneNumberId, final int partitions) {
    return Math.floorMod(phoneNumberId.hashCode(), partitions);
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
