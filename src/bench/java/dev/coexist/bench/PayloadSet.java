package dev.coexist.bench;

import java.util.List;

/**
 * The bodies one scenario sends: template {@code sequence % size} renders request {@code sequence}.
 */
record PayloadSet(String description, List<PayloadTemplate> templates) {

  PayloadSet {
    templates = List.copyOf(templates);
    if (templates.isEmpty()) {
      throw new IllegalArgumentException("a payload set needs at least one template");
    }
  }

  PayloadTemplate templateFor(long sequence) {
    return templates.get((int) (sequence % templates.size()));
  }

  int maxLength() {
    return templates.stream().mapToInt(PayloadTemplate::length).max().orElseThrow();
  }

  int minLength() {
    return templates.stream().mapToInt(PayloadTemplate::length).min().orElseThrow();
  }

  /** A buffer per worker thread, large enough for any body of the set. */
  byte[] newBuffer() {
    return new byte[maxLength()];
  }

  int renderInto(long sequence, byte[] destination) {
    return templateFor(sequence).renderInto(sequence, destination);
  }
}
