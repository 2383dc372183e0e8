package dev.coexist.apply;

import java.util.Collection;
import java.util.StringJoiner;

/**
 * Numbers as a PostgreSQL array literal ({@code {1,2,3}}), bound as one text parameter and cast in
 * the statement ({@code CAST(? AS integer[])}): one statement for many lanes or keys.
 */
final class SqlArrays {
  private SqlArrays() {}

  /** The values in iteration order. */
  static String of(final Collection<? extends Number> values) {
    final StringJoiner array = new StringJoiner(",", "{", "}");
    for (final Number value : values) {
      array.add(value.toString());
    }
    return array.toString();
  }
}
