package dev.coexist.changes;

import dev.coexist.apply.StoreChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a subscription's fields must be, the same for the API and the CLI: each check returns the
 * value as it is stored or throws {@link IllegalArgumentException} saying what is wrong.
 */
public final class SubscriptionRules {
  private SubscriptionRules() {}

  /**
   * An http(s) URL that, unless {@code allowPrivate}, resolves to public addresses only; stripped.
   */
  public static String url(final String url, final boolean allowPrivate) {
    TargetAddress.check(url, allowPrivate);
    return url.strip();
  }

  /** A {@code whsec_} secret with a key of a usable length; null (generate one) passes. */
  public static String secret(final String secret) {
    if (secret != null) {
      WebhookSigner.key(secret);
    }
    return secret;
  }

  /**
   * Change types or resources ({@code message} means all of its types), each may be a comma
   * separated list; expanded to the types, each once. Empty: every type.
   */
  public static List<String> types(final List<String> given) {
    final List<String> types = new ArrayList<>();
    for (final String type : given) {
      types.addAll(ChangeFilter.parse(type, null).types());
    }
    // in the order the types are listed everywhere else
    return StoreChange.TYPES.stream().filter(types::contains).toList();
  }

  /** Business numbers, as phone_number_ids (digits). Empty: every number. */
  public static List<String> numbers(final List<String> given) {
    for (final String number : given) {
      if (number == null || !ChangeFilter.isNumber(number)) {
        throw new IllegalArgumentException(
            "numbers must be phone_number_ids (digits), was '" + number + "'");
      }
    }
    return List.copyOf(given);
  }

  /** How long the oldest undelivered change has waited, in seconds; 0 when none waits. */
  public static double lagSeconds(final Instant oldestPending, final Instant now) {
    return oldestPending == null
        ? 0
        : Math.max(0, now.toEpochMilli() - oldestPending.toEpochMilli()) / 1000.0;
  }
}
