package dev.coexist.store;

import dev.coexist.db.Database;
import java.time.Clock;
import java.time.Duration;

/**
 * The read-only queries over the store, one object per resource, for the API, the inbox and the
 * export. Lists use keyset pagination.
 */
public record StoreQueries(
    NumberQueries numbers,
    ThreadQueries threads,
    MessageQueries messages,
    ContactQueries contacts,
    PartnerEventQueries partnerEvents,
    MessageSearch search) {

  /**
   * @param stallAfter a history sync in progress with no chunk for this long is {@code stalled}
   */
  public static StoreQueries of(
      final Database database, final Clock clock, final Duration stallAfter) {
    return new StoreQueries(
        new NumberQueries(database, clock, stallAfter),
        new ThreadQueries(database),
        new MessageQueries(database),
        new ContactQueries(database),
        new PartnerEventQueries(database),
        new MessageSearch(database));
  }
}
