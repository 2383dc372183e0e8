package dev.coexist.store;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a message was seen. A message keeps the set of all its sources, stored as a bit set so that
 * merging is a single {@code sources | excluded.sources}, idempotent and order-free.
 */
public enum MessageSource {
  HISTORY(1),
  ECHO(2),
  /** A live {@code messages} webhook: the only source that counts as unread inbound activity. */
  LIVE(4),
  MEDIA_FOLLOWUP(8),
  /**
   * Known only from its statuses: a message the partner sent through the Cloud API, whose content
   * Coexist never saw. It gives way to the source that brings the message itself (an echo, a
   * history chunk), which keeps the record and its statuses.
   */
  API(16);

  private final int bit;

  MessageSource(final int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  /** {@code history}, {@code echo}, {@code live}, {@code media_followup}, {@code api}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Set<MessageSource> of(final int bits) {
    final Set<MessageSource> sources = EnumSet.noneOf(MessageSource.class);
    for (final MessageSource source : values()) {
      if ((bits & source.bit) != 0) {
        sources.add(source);
      }
    }
    return sources;
  }
}
