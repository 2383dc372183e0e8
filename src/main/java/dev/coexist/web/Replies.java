package dev.coexist.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON answers, so that every error a client sees has the same shape: error, reason. */
public final class Replies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Replies() {}

  public static void json(final ServerResponse response, final Status status, final Object body) {
    final byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException impossible) {
      // maps, lists, strings and numbers always serialise
      throw new IllegalStateException(impossible);
    }
    response.status(status);
    response.header(HeaderNames.CONTENT_TYPE, "application/json");
    response.send(bytes);
  }

  /** {@code {"error": "...", "reason": "..."}} plus any extra members. */
  public static void error(
      final ServerResponse response,
      final Status status,
      final String error,
      final String reason,
      final Map<String, Object> extra) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("reason", reason);
    body.putAll(extra);
    json(response, status, body);
  }

  public static void error(
      final ServerResponse response, final Status status, final String error, final String reason) {
    error(response, status, error, reason, Map.of());
  }
}
