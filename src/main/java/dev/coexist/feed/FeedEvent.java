package dev.coexist.feed;

import java.nio.charset.StandardCharsets;

/**
 * One published change, rendered once as its Server-Sent Events frame so that every subscriber
 * writes the same bytes without serialising the data again.
 */
record FeedEvent(long id, String name, String json) {

  /** {@code id}, {@code event} and a single-line {@code data} field, then the blank line. */
  byte[] frame() {
    return ("id: " + id + "\nevent: " + name + "\ndata: " + json + "\n\n")
        .getBytes(StandardCharsets.UTF_8);
  }
}
