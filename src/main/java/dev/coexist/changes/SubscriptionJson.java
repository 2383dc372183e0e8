package dev.coexist.changes;

import dev.coexist.apply.StoreChange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Subscriptions and their events as the JSON of {@code /api/v1/subscriptions} (openapi.yaml). */
final class SubscriptionJson {
  private SubscriptionJson() {}

  /**
   * An event id as the API shows it where it always showed a number: the change's seq, and {@code
   * "seq.n"} (a string) only for the n-th message of a history chunk.
   */
  static Object id(final EventId id) {
    return id.part() == 0 ? (Object) id.seq() : id.toString();
  }

  /**
   * A subscription: its secret only when {@code withSecret} (created or rotated), its recent
   * attempts when given.
   */
  static Map<String, Object> of(
      final WebhookSubscription subscription,
      final boolean withSecret,
      final Instant oldestPending,
      final List<OutboundQueue.Attempted> recent,
      final Instant now) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", subscription.id());
    json.put("url", subscription.url());
    json.put("description", subscription.description());
    json.put("types", subscription.types().isEmpty() ? StoreChange.TYPES : subscription.types());
    json.put("numbers", subscription.numbers());
    json.put("history_messages", subscription.historyMessages());
    json.put("state", subscription.state());
    json.put("state_reason", subscription.stateReason());
    if (withSecret) {
      json.put("secret", subscription.secret());
    }
    json.put("delivered", subscription.delivered());
    json.put("failed_attempts", subscription.failedAttempts());
    json.put("dead_letters", subscription.deadLetters());
    json.put("lag_seconds", SubscriptionRules.lagSeconds(oldestPending, now));
    json.put("failing_since", time(subscription.failingSince()));
    json.put("created_at", time(subscription.createdAt()));
    json.put("updated_at", time(subscription.updatedAt()));
    if (recent != null) {
      json.put("recent_attempts", recent.stream().map(SubscriptionJson::attempt).toList());
    }
    return json;
  }

  /** An event and how its attempts went; its id, and the webhook-id it is sent with. */
  static Map<String, Object> attempt(final OutboundQueue.Attempted event) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", event.seq());
    json.put("webhook_id", event.webhookId().toString());
    json.put("type", event.type());
    json.put("state", event.state());
    json.put("attempts", event.attempts());
    json.put("last_status", event.lastStatus());
    json.put("last_error", event.lastError());
    json.put("last_attempt_at", time(event.lastAttemptAt()));
    json.put(
        "next_attempt_at", event.state().equals("pending") ? time(event.nextAttemptAt()) : null);
    return json;
  }

  private static String time(final Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
