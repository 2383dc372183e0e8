package dev.coexist.changes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Each subscription's figures in {@code /metrics} (tag {@code subscription}): delivered, failed
 * attempts, dead letters and lag, as the forwarder last saw them; a deleted subscription's go.
 */
final class SubscriptionMetrics {
  private final MeterRegistry meters;
  private final Map<String, Shown> shown = new ConcurrentHashMap<>();

  /** What the metrics show of one subscription. */
  private record Figures(
      long delivered, long failedAttempts, long deadLetters, double lagSeconds) {}

  private record Shown(AtomicReference<Figures> figures, List<Meter> meters) {}

  SubscriptionMetrics(final MeterRegistry meters) {
    this.meters = meters;
  }

  void show(final WebhookSubscription subscription, final double lagSeconds) {
    final Figures current =
        new Figures(
            subscription.delivered(),
            subscription.failedAttempts(),
            subscription.deadLetters(),
            lagSeconds);
    shown.computeIfAbsent(subscription.id(), this::register).figures().set(current);
  }

  /** Forgets every subscription but these. */
  void keep(final Set<String> subscriptions) {
    shown
        .entrySet()
        .removeIf(
            entry -> {
              if (subscriptions.contains(entry.getKey())) {
                return false;
              }
              entry.getValue().meters().forEach(meters::remove);
              return true;
            });
  }

  private Shown register(final String subscription) {
    final AtomicReference<Figures> figures = new AtomicReference<>(new Figures(0, 0, 0, 0));
    final List<Meter> registered = new ArrayList<>();
    registered.add(
        gauge(
            "coexist.subscription.delivered",
            subscription,
            figures,
            Figures::delivered,
            "Events delivered"));
    registered.add(
        gauge(
            "coexist.subscription.failed.attempts",
            subscription,
            figures,
            Figures::failedAttempts,
            "Attempts that failed"));
    registered.add(
        gauge(
            "coexist.subscription.dead.letters",
            subscription,
            figures,
            Figures::deadLetters,
            "Events whose retries ran out"));
    registered.add(
        gauge(
            "coexist.subscription.lag.seconds",
            subscription,
            figures,
            Figures::lagSeconds,
            "Age of the oldest undelivered change"));
    return new Shown(figures, registered);
  }

  private Gauge gauge(
      final String name,
      final String subscription,
      final AtomicReference<Figures> figures,
      final ToDoubleFunction<Figures> value,
      final String description) {
    return Gauge.builder(name, figures, reference -> value.applyAsDouble(reference.get()))
        .tag("subscription", subscription)
        .description(description)
        .register(meters);
  }
}
