package dev.coexist.web;

import java.time.Duration;

/**
 * How long a client may take in each phase of a request before its connection is closed: waiting
 * for a request (new or kept alive), the request line once it started, the headers, any one read of
 * the body, and any one write of the response (a client that stops taking bytes, such as a frozen
 * live feed subscriber, would otherwise hold its thread and its socket's send buffer for ever).
 */
public record ConnectionTimeouts(
    Duration idle, Duration requestLine, Duration headers, Duration body, Duration write) {

  /** The shortest of them, which sets how often the front door looks. */
  Duration shortest() {
    Duration shortest = idle;
    for (final Duration each : new Duration[] {requestLine, headers, body, write}) {
      if (each.compareTo(shortest) < 0) {
        shortest = each;
      }
    }
    return shortest;
  }
}
