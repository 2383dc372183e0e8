package dev.coexist.changes;

import dev.coexist.apply.StoreChange;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which changes a stream wants: {@code ?types=} (change types, comma separated; a resource alone,
 * such as {@code message}, means all of its types) and {@code ?number=} (one business number).
 * Either left out: everything.
 */
record ChangeFilter(Set<String> types, String number) {
  static final ChangeFilter ALL = new ChangeFilter(Set.of(), null);

  ChangeFilter {
    types = Set.copyOf(types);
  }

  /**
   * Parses the query parameters; throws {@link IllegalArgumentException} naming what is unknown.
   */
  static ChangeFilter parse(final String types, final String number) {
    final Set<String> wanted = new LinkedHashSet<>();
    if (types != null && !types.isBlank()) {
      for (final String given : types.split(",")) {
        final String type = given.strip();
        if (type.isEmpty()) {
          continue;
        }
        final boolean resource =
            StoreChange.TYPES.stream().anyMatch(known -> known.startsWith(type + "."));
        if (StoreChange.TYPES.contains(type)) {
          wanted.add(type);
        } else if (resource) {
          StoreChange.TYPES.stream()
              .filter(known -> known.startsWith(type + "."))
              .forEach(wanted::add);
        } else {
          throw new IllegalArgumentException(
              "unknown change type '" + type + "'; known: " + String.join(", ", StoreChange.TYPES));
        }
      }
    }
    if (number != null && !isNumber(number)) {
      throw new IllegalArgumentException("number must be a phone_number_id (digits)");
    }
    return new ChangeFilter(wanted, number == null || number.isBlank() ? null : number);
  }

  /** Whether {@code text} is a phone_number_id: digits only. */
  static boolean isNumber(final String text) {
    return text.matches("\\d{1,40}");
  }

  boolean matches(final FeedEvent event) {
    return (types.isEmpty() || types.contains(event.name()))
        && (number == null || number.equals(event.number()));
  }
}
