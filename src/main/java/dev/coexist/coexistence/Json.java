package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lenient readers for WhatsApp JSON. The same field arrives as a number from Meta and as a quoted
 * string from 360dialog or other partners, so every numeric reader accepts both; a value that
 * cannot be read becomes null instead of failing the item.
 */
final class Json {

  private Json() {}

  /** A scalar field as text (numbers and booleans too); null if absent, null or not a scalar. */
  static String text(JsonNode parent, String field) {
    JsonNode node = parent == null ? null : parent.get(field);
    if (node == null || node.isNull() || !node.isValueNode()) {
      return null;
    }
    return node.asText();
  }

  static Integer integer(JsonNode node) {
    BigDecimal number = number(node);
    if (number == null) {
      return null;
    }
    try {
      return number.intValueExact();
    } catch (ArithmeticException notAnInt) {
      return null;
    }
  }

  /** Unix seconds as number or string. */
  static Instant epochSeconds(JsonNode node) {
    BigDecimal number = number(node);
    if (number == null) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(number.longValueExact());
    } catch (ArithmeticException | DateTimeException outOfRange) {
      return null;
    }
  }

  static Boolean bool(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> null;
      };
    }
    return null;
  }

  /** {@code errors[]} entries; entries that are not objects are skipped, they carry nothing. */
  static List<ApiError> errors(JsonNode errors) {
    List<ApiError> result = new ArrayList<>();
    if (errors == null || !errors.isArray()) {
      return result;
    }
    for (JsonNode error : errors) {
      if (error.isObject()) {
        result.add(
            new ApiError(
                integer(error.get("code")),
                text(error, "title"),
                text(error, "message"),
                text(error.path("error_data"), "details"),
                text(error, "href")));
      }
    }
    return result;
  }

  static boolean isNonEmptyArray(JsonNode node) {
    return node != null && node.isArray() && !node.isEmpty();
  }

  static JsonNode requireObject(JsonNode item, String what) {
    if (item == null || !item.isObject()) {
      throw new BadItemException(
          what + " is not a JSON object but " + (item == null ? "absent" : kind(item)));
    }
    return item;
  }

  static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static BigDecimal number(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isTextual()) {
      try {
        return new BigDecimal(node.textValue().trim());
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
    return null;
  }
}
