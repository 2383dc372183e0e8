package dev.coexist.store;

import java.time.Instant;
import java.util.List;

/**
 * An account or partner event in a timeline: an {@code account_update} (source {@code
 * account_update}: PARTNER_REMOVED with its reason, ACCOUNT_OFFBOARDED, ACCOUNT_RECONNECTED, ...)
 * or a 360dialog partner event (source {@code 360dialog}: account_violation, channel_live, ...).
 *
 * @param location where the event is in its journal entry's body (with the journal id, its key)
 * @param reason {@code disconnection_info.reason} of an account update, else null
 * @param numbers the numbers of this store the event names (by id, WABA or display number)
 * @param payloadJson the event as received
 */
public record TimelineEvent(
    String source,
    long journalId,
    String location,
    String event,
    String reason,
    String initiatedBy,
    String wabaId,
    Instant receivedAt,
    List<String> numbers,
    String payloadJson) {

  public static final String ACCOUNT_UPDATE = "account_update";
  public static final String PARTNER = "360dialog";

  public TimelineEvent {
    numbers = List.copyOf(numbers);
  }

  /** Where the next page (older events) starts when this is the last of a page. */
  public Position position() {
    return new Position(journalId, location);
  }

  /** The position of an event in a newest-first timeline: its journal id and location. */
  public record Position(long journalId, String location) {}
}
