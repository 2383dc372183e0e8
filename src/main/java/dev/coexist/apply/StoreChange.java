package dev.coexist.apply;

import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.ContactChange;
import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryDeclined;
import dev.coexist.coexistence.HistoryMedia;
import dev.coexist.coexistence.InboundMessage;
import dev.coexist.coexistence.MessageEcho;
import dev.coexist.coexistence.StatusUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one committed apply transaction changed, named the way the live feed names it ({@code
 * message}, {@code status}, {@code thread}, {@code contact}, {@code history}, {@code number},
 * {@code journal}). Published only after the commit, so a client never sees a change that could
 * still roll back.
 */
public record StoreChange(String event, Map<String, Object> data) {
  public StoreChange {
    data = Map.copyOf(data);
  }

  /** The changes an applied entry made, derived from its decoded events. */
  static List<StoreChange> of(final long journalId, final Decoded decoded) {
    final Set<StoreChange> changes = new LinkedHashSet<>();
    for (final CoexistenceEvent event : decoded.events()) {
      final String number = event.origin().phoneNumberId();
      if (number == null) {
        continue;
      }
      switch (event) {
        case InboundMessage inbound -> changes.add(message(number, inbound.message().wamid()));
        case MessageEcho echo -> changes.add(message(number, echo.message().wamid()));
        case HistoryMedia media -> changes.add(message(number, media.message().wamid()));
        case StatusUpdate status ->
            changes.add(
                new StoreChange(
                    "status",
                    Map.of(
                        "phone_number_id", number,
                        "wamid", status.wamid(),
                        "status", status.status().value())));
        case ContactChange contact -> changes.add(numberEvent("contact", number));
        // a chunk may hold thousands of messages: one event for its progress, not one per message
        case HistoryChunk chunk -> changes.add(numberEvent("history", number));
        case HistoryDeclined declined -> changes.add(numberEvent("history", number));
        default -> {
          // account, partner and unknown changes show on the number
        }
      }
      changes.add(numberEvent("number", number));
    }
    final List<StoreChange> ordered = new ArrayList<>(changes);
    ordered.add(new StoreChange("journal", Map.of("id", journalId, "state", "applied")));
    return ordered;
  }

  static StoreChange thread(final long threadId) {
    return new StoreChange("thread", Map.of("thread_id", threadId));
  }

  static StoreChange failed(final long journalId, final String error) {
    final Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", journalId);
    data.put("state", "failed");
    data.put("error", error);
    return new StoreChange("journal", data);
  }

  private static StoreChange message(final String number, final String wamid) {
    return new StoreChange("message", Map.of("phone_number_id", number, "wamid", wamid));
  }

  private static StoreChange numberEvent(final String event, final String number) {
    return new StoreChange(event, Map.of("phone_number_id", number));
  }
}
