package dev.coexist.changes;

import java.time.Duration;

/**
 * How outbound webhooks are delivered.
 *
 * @param poll the longest the forwarder waits between looks at its subscriptions; new changes and
 *     finished deliveries wake it sooner
 * @param timeout a delivery is a 2xx within this, else it failed (Standard Webhooks: 15 s)
 * @param connectTimeout a target that does not accept the connection within this failed
 * @param inFlightPerSubscription deliveries under way at once per subscription (each of another
 *     thread): a slow receiver costs that many virtual threads and connections, no more
 * @param lease how long a node keeps a subscription without renewing it; another node takes it over
 *     after that, should this one die or freeze
 * @param disableAfter a subscription failing without a single delivery for this long is disabled
 * @param recoverAfter a subscription failing without a single delivery for this long was down, not
 *     refusing one event: its first delivery after such a spell brings every waiting retry forward
 *     to now, so a receiver back from an outage catches up at once instead of along each event's
 *     schedule (30 min after a 5 min outage); a shorter spell, as one bad event among good ones
 *     makes, keeps its schedule
 * @param allowPrivateTargets deliver to loopback and private addresses (tests, a partner's own
 *     network)
 */
public record ForwarderSettings(
    Duration poll,
    Duration timeout,
    Duration connectTimeout,
    int inFlightPerSubscription,
    Duration lease,
    Duration disableAfter,
    Duration recoverAfter,
    boolean allowPrivateTargets) {

  public static ForwarderSettings defaults(final boolean allowPrivateTargets) {
    return new ForwarderSettings(
        Duration.ofSeconds(1),
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        32,
        Duration.ofSeconds(30),
        Duration.ofDays(5),
        Duration.ofMinutes(1),
        allowPrivateTargets);
  }
}
