package dev.coexist.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body frozen as bytes, with fixed-width decimal slots that receive a sequence number.
 *
 * <p>Rendering copies the bytes and patches the slots in place: no JSON building, no allocation, so
 * the load generator spends its CPU on sending, not on making bodies. Every sequence number gives a
 * different body, which the server's sha256 deduplication must see as a new delivery.
 */
final class PayloadTemplate {

  /** Where a sequence number goes in the template text. */
  static final String SLOT = "{SEQ}";

  /** Digits written into each slot; 10^12 requests is far beyond any run. */
  static final int SLOT_DIGITS = 12;

  private final String kind;
  private final byte[] bytes;
  private final int[] slotOffsets;

  private PayloadTemplate(String kind, byte[] bytes, int[] slotOffsets) {
    this.kind = kind;
    this.bytes = bytes;
    this.slotOffsets = slotOffsets;
  }

  /** Builds a template from text holding at least one {@link #SLOT}; the text must be ASCII. */
  static PayloadTemplate of(String kind, String text) {
    final String zeros = "0".repeat(SLOT_DIGITS);
    final StringBuilder out = new StringBuilder(text.length() + 64);
    final List<Integer> offsets = new ArrayList<>();
    int from = 0;
    for (int at = text.indexOf(SLOT); at >= 0; at = text.indexOf(SLOT, from)) {
      out.append(text, from, at);
      offsets.add(out.length());
      out.append(zeros);
      from = at + SLOT.length();
    }
    out.append(text, from, text.length());
    if (offsets.isEmpty()) {
      throw new IllegalArgumentException("template " + kind + " has no " + SLOT + " slot");
    }
    final String rendered = out.toString();
    for (int i = 0; i < rendered.length(); i++) {
      if (rendered.charAt(i) > 0x7f) {
        // offsets are char offsets; they equal byte offsets only for ASCII
        throw new IllegalArgumentException("template " + kind + " is not ASCII at " + i);
      }
    }
    return new PayloadTemplate(
        kind,
        rendered.getBytes(StandardCharsets.US_ASCII),
        offsets.stream().mapToInt(Integer::intValue).toArray());
  }

  String kind() {
    return kind;
  }

  int length() {
    return bytes.length;
  }

  int slotCount() {
    return slotOffsets.length;
  }

  /**
   * Writes the body for {@code sequence} into {@code destination} and returns its length.
   *
   * @throws IllegalArgumentException if the sequence does not fit the slots or the buffer is short
   */
  int renderInto(long sequence, byte[] destination) {
    if (sequence < 0 || sequence >= 1_000_000_000_000L) {
      throw new IllegalArgumentException("sequence out of range: " + sequence);
    }
    System.arraycopy(bytes, 0, destination, 0, bytes.length);
    for (final int offset : slotOffsets) {
      long rest = sequence;
      for (int digit = SLOT_DIGITS - 1; digit >= 0; digit--) {
        destination[offset + digit] = (byte) ('0' + (rest % 10));
        rest /= 10;
      }
    }
    return bytes.length;
  }
}
