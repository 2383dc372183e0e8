package dev.coexist.ingest;

/**
 * Strict UTF-8 validation of a body (RFC 3629, Unicode table 3-7): no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF, and no NUL byte, which JSON text never needs raw and which is
 * how UTF-16 and UTF-32 text gives itself away. The JSON parser alone lets overlong forms and
 * surrogates through, and reads UTF-16 or UTF-32 when the first bytes look like it.
 */
final class Utf8 {
  private Utf8() {}

  /** Where a body stops being UTF-8 JSON text, or null when it is valid throughout. */
  static String firstProblem(final byte[] bytes) {
    int index = 0;
    final int length = bytes.length;
    while (index < length) {
      final int lead = bytes[index] & 0xFF;
      if (lead == 0) {
        return "a NUL byte at offset " + index + " (UTF-16 or UTF-32 text?)";
      }
      if (lead < 0x80) {
        index++;
        continue;
      }
      final int size;
      int low = 0x80;
      int high = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        size = 2;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        size = 3;
        if (lead == 0xE0) {
          low = 0xA0; // shorter forms are overlong
        } else if (lead == 0xED) {
          high = 0x9F; // U+D800..U+DFFF are surrogates, not characters
        }
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        size = 4;
        if (lead == 0xF0) {
          low = 0x90; // overlong
        } else if (lead == 0xF4) {
          high = 0x8F; // beyond U+10FFFF
        }
      } else {
        return invalid(lead, index)
            + (index == 0 && (lead == 0xFE || lead == 0xFF) ? " (a UTF-16 byte order mark?)" : "");
      }
      if (index + size > length) {
        return "a UTF-8 sequence cut short at the end, offset " + index;
      }
      final int second = bytes[index + 1] & 0xFF;
      if (second < low || second > high) {
        return invalid(second, index + 1);
      }
      for (int next = index + 2; next < index + size; next++) {
        final int continuation = bytes[next] & 0xFF;
        if (continuation < 0x80 || continuation > 0xBF) {
          return invalid(continuation, next);
        }
      }
      index += size;
    }
    return null;
  }

  private static String invalid(final int value, final int offset) {
    return String.format("byte 0x%02X at offset %d is not valid UTF-8", value, offset);
  }
}
