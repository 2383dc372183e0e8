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
  MEDIA_FOLLOWUP(8);

  private final int bit;

  MessageSource(final int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  /** {@code history}, {@code echo}, {@code live}, {@code media_followup}. */
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
