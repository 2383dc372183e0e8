package dev.coexist.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.journal.JournalSummary;
import dev.coexist.store.ProblemView;
import dev.coexist.store.ResourceJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Journal entries and their problems as the JSON of openapi.yaml. */
final class JournalJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  // a list shows each problem's message shortened to this: a list's size must not depend on what
  // a sender put in a body
  private static final int MESSAGE_IN_LIST_CHARS = 300;

  private JournalJson() {}

  /**
   * An entry in a list, with how many of its items were not applied and the first few of them,
   * shortened (the rest page by page at /api/v1/journal/{id}/problems).
   */
  static Map<String, Object> inList(
      final JournalSummary entry, final int problemCount, final List<ProblemView> firstProblems) {
    final Map<String, Object> json = common(entry, problemCount);
    json.put("problems", firstProblems.stream().map(JournalJson::problemInList).toList());
    return json;
  }

  /**
   * One entry in full: its journalled headers and a page of its problems, each with the item's
   * JSON; {@code problems_next_cursor} continues at /api/v1/journal/{id}/problems.
   */
  static Map<String, Object> detail(
      final JournalSummary entry,
      final int problemCount,
      final List<ProblemView> problems,
      final String problemsNextCursor) {
    final Map<String, Object> json = common(entry, problemCount);
    json.put("headers", headers(entry.headersJson()));
    json.put("problems", problems.stream().map(JournalJson::problem).toList());
    json.put("problems_next_cursor", problemsNextCursor);
    return json;
  }

  private static Map<String, Object> common(final JournalSummary entry, final int problemCount) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", entry.id());
    json.put("received_at", ResourceJson.time(Instant.ofEpochMilli(entry.receivedAtMillis())));
    json.put("route", entry.route());
    json.put("state", entry.state());
    json.put("error", entry.error());
    json.put("attempts", entry.attempts());
    json.put("event_id", entry.eventId());
    json.put("size", entry.bodyBytes());
    json.put("body_sha256", entry.bodySha256());
    json.put("duplicate_of", entry.duplicateOf());
    json.put("problem_count", problemCount);
    return json;
  }

  /** A problem in full (its message and the item's JSON as stored, up to 16,000 characters). */
  static Map<String, Object> problem(final ProblemView problem) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("location", problem.location());
    json.put("kind", problem.kind());
    json.put("message", problem.message());
    json.put("item", problem.itemJson());
    return json;
  }

  private static Map<String, Object> problemInList(final ProblemView problem) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("location", shortened(problem.location()));
    json.put("kind", problem.kind());
    json.put("message", shortened(problem.message()));
    return json;
  }

  private static String shortened(final String text) {
    return text.length() <= MESSAGE_IN_LIST_CHARS
        ? text
        : text.substring(0, MESSAGE_IN_LIST_CHARS) + "…";
  }

  private static JsonNode headers(final String headersJson) {
    try {
      final JsonNode headers = JSON.readTree(headersJson == null ? "{}" : headersJson);
      return headers != null && headers.isObject() ? headers : JSON.createObjectNode();
    } catch (JsonProcessingException unreadable) {
      // the journal writes this object itself; one it cannot read again is shown as none
      return JSON.createObjectNode();
    }
  }
}
