package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One 1:1 chat of a history chunk.
 *
 * @param customer {@code threads[].id} as phone, completed by {@code threads[].context} ({@code
 *     wa_id, user_id, parent_user_id, username}) for username adopters whose number is omitted
 */
public record HistoryThread(Party customer, List<HistoryMessage> messages, JsonNode raw) {

  public HistoryThread {
    messages = List.copyOf(messages);
  }
}
