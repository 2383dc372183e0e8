package dev.coexist.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Failed sends, timeline events and alerts as the JSON of openapi.yaml (snake_case, ISO-8601 times,
 * explicit nulls), as {@link ResourceJson} renders the store's other resources.
 */
public final class TimelineJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TimelineJson() {}

  /**
   * A failed send: where and to whom, when, and why: the first error's {@code code}, {@code title},
   * {@code message}, {@code details} and {@code href} at the top, every error in {@code errors}.
   */
  public static Map<String, Object> failure(final FailureView failure) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("wamid", failure.wamid());
    json.put("phone_number_id", failure.phoneNumberId());
    json.put("thread_id", failure.threadId());
    final Map<String, Object> recipient = new LinkedHashMap<>();
    recipient.put("phone", failure.recipientPhone());
    recipient.put("user_id", failure.recipientUserId());
    json.put("recipient", recipient);
    json.put("at", ResourceJson.time(failure.at()));
    final JsonNode errors = read(failure.errorsJson());
    final JsonNode first = errors.path(0);
    json.put("code", first.path("code").canConvertToInt() ? first.path("code").intValue() : null);
    json.put("title", text(first.path("title")));
    json.put("message", text(first.path("message")));
    json.put("details", text(first.path("details")));
    json.put("href", text(first.path("href")));
    json.put("errors", errors.isArray() ? errors : List.of());
    json.put(
        "origins",
        failure.origins().stream()
            .sorted(Comparator.naturalOrder())
            .map(MessageSource::wireName)
            .toList());
    return json;
  }

  /** An account update or partner event of a timeline, with its payload as received. */
  public static Map<String, Object> event(final TimelineEvent event) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("source", event.source());
    json.put("event", event.event());
    json.put("at", ResourceJson.time(event.receivedAt()));
    json.put("journal_id", event.journalId());
    json.put("reason", event.reason());
    json.put("initiated_by", event.initiatedBy());
    json.put("waba_id", event.wabaId());
    json.put("numbers", event.numbers());
    final JsonNode payload = read(event.payloadJson());
    json.put(
        "payload",
        payload.isMissingNode() ? JSON.getNodeFactory().textNode(event.payloadJson()) : payload);
    return json;
  }

  /** An alert of a number. */
  public static Map<String, Object> alert(final AlertView alert) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("phone_number_id", alert.phoneNumberId());
    json.put("kind", alert.kind());
    json.put("severity", alert.severity());
    json.put("title", alert.title());
    json.put("event", alert.event());
    json.put("reason", alert.reason());
    json.put("code", alert.code());
    json.put("count", alert.count());
    json.put("at", ResourceJson.time(alert.at()));
    return json;
  }

  private static String text(final JsonNode node) {
    return node.isValueNode() && !node.isNull() ? node.asText() : null;
  }

  private static JsonNode read(final String json) {
    if (json == null || json.isEmpty()) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(json);
    } catch (IOException unreadable) {
      // an account update's payload is kept clipped past a size: shown as text then
      return JSON.missingNode();
    }
  }
}
