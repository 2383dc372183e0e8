package dev.coexist.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.coexistence.ApiError;
import dev.coexist.coexistence.Direction;
import java.time.Instant;
import java.util.List;

/**
 * How the writers put domain values into columns, the same way in every table: times as epoch
 * seconds (0 when unknown), directions by name, structures as JSON text.
 */
final class ColumnValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ColumnValues() {}

  static String direction(final Direction direction) {
    return switch (direction) {
      case INBOUND -> "inbound";
      case OUTBOUND -> "outbound";
    };
  }

  static long seconds(final Instant instant) {
    return instant == null ? 0 : instant.getEpochSecond();
  }

  static String errors(final List<ApiError> errors) {
    return errors == null || errors.isEmpty() ? null : json(errors);
  }

  static String json(final Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException unexpected) {
      throw new IllegalStateException("cannot write JSON of " + value, unexpected);
    }
  }
}
