package dev.coexist.api;

import dev.coexist.journal.JournalSummary;
import dev.coexist.store.ProblemView;
import dev.coexist.store.ResourceJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal's entries and problems as the JSON of openapi.yaml; the store's resources are
 * rendered by {@link dev.coexist.store.ResourceJson}, which the change log's events share.
 */
final class ApiJson {
  private ApiJson() {}

  /**
   * A journal entry with how many of its items were not applied, and the first few of them (the
   * rest page by page at /api/v1/journal/{id}/problems).
   */
  static Map<String, Object> journalEntry(
      final JournalSummary entry, final int problemCount, final List<ProblemView> firstProblems) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", entry.id());
    json.put("received_at", time(Instant.ofEpochMilli(entry.receivedAtMillis())));
    json.put("route", entry.route());
    json.put("state", entry.state());
    json.put("error", entry.error());
    json.put("attempts", entry.attempts());
    json.put("event_id", entry.eventId());
    json.put("size", entry.bodyBytes());
    json.put("duplicate_of", entry.duplicateOf());
    json.put("problem_count", problemCount);
    json.put("problems", firstProblems.stream().map(ApiJson::problemInList).toList());
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

  // a list shows each problem's message shortened to this: a list's size must not depend on what
  // a sender put in a body
  private static final int MESSAGE_IN_LIST_CHARS = 300;

  private static Map<String, Object> problemInList(final ProblemView problem) {
    final String message = problem.message();
    return Map.of(
        "location",
        problem.location().length() <= MESSAGE_IN_LIST_CHARS
            ? problem.location()
            : problem.location().substring(0, MESSAGE_IN_LIST_CHARS) + "…",
        "kind",
        problem.kind(),
        "message",
        message.length() <= MESSAGE_IN_LIST_CHARS
            ? message
            : message.substring(0, MESSAGE_IN_LIST_CHARS) + "…");
  }

  static String time(final Instant instant) {
    return ResourceJson.time(instant);
  }
}
