package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The history sync failed or was refused: a {@code history[]} item (or a {@code history} value)
 * with {@code errors}. Only code 2593109 (sharing turned off by the business) is documented; any
 * other code is treated as a failure too.
 */
public record HistoryDeclined(Origin origin, List<ApiError> errors, JsonNode raw)
    implements CoexistenceEvent {

  public static final int SHARING_TURNED_OFF = 2593109;

  public HistoryDeclined {
    errors = List.copyOf(errors);
  }

  /** The business chose not to share its history (as opposed to a technical failure). */
  public boolean isTurnedOffByBusiness() {
    return errors.stream()
        .anyMatch(error -> error.code() != null && error.code() == SHARING_TURNED_OFF);
  }
}
