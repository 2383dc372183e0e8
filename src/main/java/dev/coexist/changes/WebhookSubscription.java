package dev.coexist.changes;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code subscriptions}: a partner's endpoint, what it wants, how it signs, and how its
 * deliveries go.
 *
 * @param types change types it receives; empty: every type
 * @param numbers business numbers it receives; empty: every number
 * @param historyMessages after a history chunk's {@code history.updated}, one {@code
 *     message.created} per message the chunk stored
 * @param position the newest change considered for it
 */
public record WebhookSubscription(
    String id,
    String url,
    String description,
    List<String> types,
    List<String> numbers,
    boolean historyMessages,
    String secret,
    String previousSecret,
    Instant previousSecretUntil,
    String state,
    String stateReason,
    long position,
    Instant failingSince,
    long delivered,
    long failedAttempts,
    long deadLetters,
    Instant createdAt,
    Instant updatedAt) {

  public static final String ACTIVE = "active";
  public static final String PAUSED = "paused";
  public static final String DISABLED = "disabled";

  public WebhookSubscription {
    types = List.copyOf(types);
    numbers = List.copyOf(numbers);
  }

  /** Whether a change of this type and number is for this subscription. */
  boolean wants(final String type, final String number) {
    return (types.isEmpty() || types.contains(type))
        && (numbers.isEmpty() || (number != null && numbers.contains(number)));
  }

  /** The secrets that sign now: the current one, and the previous during its grace period. */
  List<String> signingSecrets(final Instant now) {
    return previousSecret != null
            && previousSecretUntil != null
            && now.isBefore(previousSecretUntil)
        ? List.of(secret, previousSecret)
        : List.of(secret);
  }
}
