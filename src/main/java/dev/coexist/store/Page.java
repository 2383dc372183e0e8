package dev.coexist.store;

import java.util.List;

/**
 * One page of a keyset-paginated list.
 *
 * @param next where the next page starts, null on the last page
 */
public record Page<T, C>(List<T> items, C next) {
  public Page {
    items = List.copyOf(items);
  }
}
