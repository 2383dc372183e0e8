package dev.coexist.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.ingest.BodyCheck;
import dev.coexist.ingest.WebhookRoutes;
import dev.coexist.journal.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;

/**
 * One line of {@code coexist import}'s file read into a delivery: {@code {"route", "headers",
 * "body"}}, the body as the JSON object itself, as a string, or as {@code body_base64} (what {@code
 * coexist journal export} writes). What is wrong with a line is said in plain words, for a person
 * who edits the file, not in the parser's.
 */
final class ImportLine {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A line that cannot be imported, and why. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(final String reason) {
      super(reason);
    }
  }

  private ImportLine() {}

  static Delivery parse(final String text) throws Unreadable {
    final JsonNode line = json(text);
    if (!line.isObject()) {
      throw new Unreadable(kind(line) + ", not an object like {\"route\", \"headers\", \"body\"}");
    }
    final String route = route(line);
    final byte[] body = body(line);
    final BodyCheck.Verdict verdict = BodyCheck.check(body);
    return new Delivery(
        System.currentTimeMillis(),
        route,
        headers(line),
        body,
        WebhookRoutes.sha256Hex(body),
        verdict.eventId(),
        verdict.rejection());
  }

  private static JsonNode json(final String text) throws Unreadable {
    try {
      return JSON.readTree(text);
    } catch (JsonEOFException cut) {
      throw new Unreadable("not JSON: the line ends before its JSON does (cut short?)");
    } catch (JsonProcessingException invalid) {
      final JsonLocation where = invalid.getLocation();
      final int column = where == null ? -1 : where.getColumnNr();
      throw new Unreadable(
          "not JSON"
              + (column > 0 && column <= text.length()
                  ? ": unexpected '" + text.charAt(column - 1) + "' at column " + column
                  : ""));
    }
  }

  private static String route(final JsonNode line) throws Unreadable {
    final JsonNode route = line.get("route");
    if (route == null || route.isNull()) {
      return "import";
    }
    if (!route.isTextual() || route.asText().isBlank()) {
      throw new Unreadable(
          "route must be a name such as \"whatsapp\" or \"360dialog\", was " + route);
    }
    return route.asText();
  }

  private static String headers(final JsonNode line) throws Unreadable {
    final JsonNode headers = line.get("headers");
    if (headers == null || headers.isNull()) {
      return "{}";
    }
    if (!headers.isObject()) {
      throw new Unreadable(
          "headers must be an object of header names and values, was " + kind(headers));
    }
    for (final Iterator<String> names = headers.fieldNames(); names.hasNext(); ) {
      final String name = names.next();
      if (!headers.get(name).isTextual()) {
        throw new Unreadable(
            "header " + name + " must be a string, was " + kind(headers.get(name)));
      }
    }
    return headers.toString();
  }

  private static byte[] body(final JsonNode line) throws Unreadable {
    final JsonNode base64 = line.get("body_base64");
    if (base64 != null && !base64.isNull()) {
      if (!base64.isTextual()) {
        throw new Unreadable("body_base64 must be a string, was " + kind(base64));
      }
      try {
        return Base64.getDecoder().decode(base64.asText());
      } catch (IllegalArgumentException notBase64) {
        throw new Unreadable("body_base64 is not base64 (A-Z, a-z, 0-9, + and /, padded with =)");
      }
    }
    final JsonNode body = line.get("body");
    if (body == null || body.isNull()) {
      throw new Unreadable(
          "no body: give \"body\" (the delivery's JSON object, or its text as a string)"
              + " or \"body_base64\"");
    }
    if (body.isTextual()) {
      return body.asText().getBytes(StandardCharsets.UTF_8);
    }
    if (body.isObject()) {
      try {
        return JSON.writeValueAsBytes(body);
      } catch (JsonProcessingException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    throw new Unreadable(
        "body is "
            + kind(body)
            + "; give the delivery's JSON object, its text as a string, or body_base64");
  }

  /** "a JSON array", "a number", ...: what a value is, in words. */
  private static String kind(final JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "a JSON array";
      case OBJECT -> "a JSON object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> value.asBoolean() ? "true" : "false";
      case NULL, MISSING -> "null";
      default -> "a " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
