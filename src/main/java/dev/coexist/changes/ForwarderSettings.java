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
    boolean allowPrivateTargets) {

  public static ForwarderSettings defaults(final boolean allowPrivateTargets) {
    return new ForwarderSettings(
        Duration.ofSeconds(1),
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        32,
        Duration.ofSeconds(30),
        Duration.ofDays(5),
        allowPrivateTargets);
  }
}
