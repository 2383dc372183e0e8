package dev.coexist.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A journal entry as one line of the JSON-lines file that {@code coexist import} reads: {@code
 * route}, {@code headers}, and the body exactly as received — as the string {@code body} when it is
 * UTF-8 text, else as {@code body_base64} — so that importing the line journals the same bytes (and
 * a second import recognises it as a duplicate). {@code journal_id}, {@code received_at} and {@code
 * body_sha256} say where the line came from; import does not need them.
 */
public final class JournalLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JournalLines() {}

  /** The entry's line, without its line break. */
  public static String line(final JournalEntry entry) {
    final Map<String, Object> line = new LinkedHashMap<>();
    line.put("journal_id", entry.id());
    line.put("received_at", Instant.ofEpochMilli(entry.receivedAtMillis()).toString());
    line.put("route", entry.route());
    line.put("headers", headers(entry.headersJson()));
    line.put("body_sha256", entry.bodySha256());
    final String text = utf8(entry.body());
    if (text != null) {
      line.put("body", text);
    } else {
      line.put("body_base64", Base64.getEncoder().encodeToString(entry.body()));
    }
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException impossible) {
      // maps, strings, numbers and a parsed tree always serialise
      throw new IllegalStateException(impossible);
    }
  }

  private static JsonNode headers(final String headersJson) {
    try {
      final JsonNode headers = JSON.readTree(headersJson == null ? "{}" : headersJson);
      return headers != null && headers.isObject() ? headers : JSON.createObjectNode();
    } catch (JsonProcessingException unreadable) {
      // the journal writes this object itself; one it cannot read again is left out, not fatal
      return JSON.createObjectNode();
    }
  }

  /**
   * The bytes as text when they are strict UTF-8 (a string carries them exactly, and reads better
   * than base64), else null.
   */
  private static String utf8(final byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return null;
    }
  }
}
