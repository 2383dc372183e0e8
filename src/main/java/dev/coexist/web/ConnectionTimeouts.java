package dev.coexist.web;

import java.time.Duration;

/**
 * How long a client may take in each phase of a request before its connection is closed: waiting
 * for a request (new or kept alive), the request line once it started, the headers, and any one
 * read of the body.
 */
public record ConnectionTimeouts(
    Duration idle, Duration requestLine, Duration headers, Duration body) {

  /** The shortest of them, which sets how often the front door looks. */
  Duration shortest() {
    Duration shortest = idle;
    for (final Duration each : new Duration[] {requestLine, headers, body}) {
      if (each.compareTo(shortest) < 0) {
        shortest = each;
      }
    }
    return shortest;
  }
}
