package dev.coexist.changes;

import java.nio.charset.StandardCharsets;

/**
 * One change as the feed sends it, rendered once as its Server-Sent Events frame so that every
 * subscriber writes the same bytes.
 *
 * @param number the business number it belongs to (null for none), for {@code ?number=}
 * @param json the change event: {@code {"type","timestamp","data"}}
 */
record FeedEvent(long id, String name, String number, String json) {

  static FeedEvent of(final ChangeRecord change) {
    return new FeedEvent(change.seq(), change.type(), change.phoneNumberId(), change.eventJson());
  }

  /** {@code id}, {@code event} and a single-line {@code data} field, then the blank line. */
  byte[] frame() {
    return ("id: " + id + "\nevent: " + name + "\ndata: " + json + "\n\n")
        .getBytes(StandardCharsets.UTF_8);
  }
}
