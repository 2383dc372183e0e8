package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One {@code statuses[]} item of the {@code messages} field. Statuses may arrive out of order and
 * before their message.
 *
 * @param wamid the message the status is about
 * @param recipient {@code recipient_id}, {@code recipient_user_id}, {@code
 *     recipient_parent_user_id}
 * @param pricing null if absent
 */
public record StatusUpdate(
    Origin origin,
    String wamid,
    Status status,
    Instant timestamp,
    Party recipient,
    Pricing pricing,
    String bizOpaqueCallbackData,
    List<ApiError> errors,
    JsonNode raw)
    implements CoexistenceEvent {

  public StatusUpdate {
    errors = List.copyOf(errors);
  }
}
