package dev.coexist.web;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's query parameters that its endpoint does not take: named in a 400, never ignored (a
 * misspelt filter would otherwise answer everything, as if it had been applied).
 */
public final class UnknownParameters {
  private UnknownParameters() {}

  /** The reason to refuse a request with these parameter names, empty when all are known. */
  public static Optional<String> refusal(final Collection<String> names, final List<String> known) {
    final Set<String> unknown = new TreeSet<>(names);
    known.forEach(unknown::remove);
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        (unknown.size() == 1 ? "unknown query parameter " : "unknown query parameters ")
            + String.join(", ", unknown)
            + (known.isEmpty()
                ? "; this endpoint takes none"
                : "; this endpoint takes " + String.join(", ", known)));
  }
}
