package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Value-level {@code errors[]} (system, app or account errors not tied to one message or status).
 */
public record PlatformErrors(Origin origin, List<ApiError> errors, JsonNode raw)
    implements CoexistenceEvent {

  public PlatformErrors {
    errors = List.copyOf(errors);
  }
}
