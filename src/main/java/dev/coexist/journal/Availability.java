package dev.coexist.journal;

import java.time.Instant;

/**
 * Whether the journal takes writes, and since when it does not.
 *
 * @param writable false after a commit failed, until a write succeeds again
 * @param reason why it is not writable, or null
 * @param since when the current state began
 */
public record Availability(boolean writable, String reason, Instant since) {
  static Availability up() {
    return new Availability(true, null, Instant.now());
  }

  static Availability down(final String reason) {
    return new Availability(false, reason, Instant.now());
  }
}
