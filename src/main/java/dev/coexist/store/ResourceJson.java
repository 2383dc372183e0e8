package dev.coexist.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store's resources as the JSON of openapi.yaml: snake_case names, ISO-8601 times, explicit
 * nulls. The one rendering of a number, thread, message, status and contact: the read API answers
 * with it, and the change log's events carry it as their data, so the two cannot differ.
 */
public final class ResourceJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ResourceJson() {}

  /** A number as {@code /api/v1/numbers/{id}} shows it. */
  public static Map<String, Object> number(final NumberView number) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("phone_number_id", number.phoneNumberId());
    json.put("display_phone_number", number.displayPhoneNumber());
    json.put("waba_id", number.wabaId());
    if (number.account() == null) {
      json.put("account", null);
    } else {
      final Map<String, Object> account = new LinkedHashMap<>();
      account.put("event", number.account().event());
      account.put("reason", number.account().reason());
      account.put("initiated_by", number.account().initiatedBy());
      account.put("at", time(number.account().receivedAt()));
      json.put("account", account);
    }
    json.put("first_seen_at", time(number.firstSeenAt()));
    json.put("last_seen_at", time(number.lastSeenAt()));
    json.put("history", history(number.history()));
    json.put(
        "contacts",
        Map.of("count", number.contacts().contacts(), "removed", number.contacts().removed()));
    return json;
  }

  /** A number's history sync, as the {@code history} of its number shows it. */
  public static Map<String, Object> history(final HistorySync history) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("state", history.state().wireName());
    json.put("progress", history.progress());
    json.put("chunks", history.chunks());
    json.put("messages", history.messages());
    json.put("started_at", time(history.startedAt()));
    json.put("last_chunk_at", time(history.lastChunkAt()));
    if (history.declinedCode() == null && history.declinedTitle() == null) {
      json.put("decline", null);
    } else {
      final Map<String, Object> decline = new LinkedHashMap<>();
      decline.put("code", history.declinedCode());
      decline.put("title", history.declinedTitle());
      decline.put("message", history.declinedTitle());
      decline.put("details", history.declinedDetails());
      json.put("decline", decline);
    }
    final List<Map<String, Object>> phases = new ArrayList<>();
    for (int phase = 0; phase <= 2; phase++) {
      final int wanted = phase;
      final PhaseProgress progress =
          history.phases().stream()
              .filter(candidate -> candidate.phase() == wanted)
              .findFirst()
              .orElse(new PhaseProgress(wanted, 0, -1, 0));
      final Map<String, Object> item = new LinkedHashMap<>();
      item.put("phase", wanted);
      item.put("chunks", progress.chunks());
      item.put("highest_chunk_order", progress.chunks() == 0 ? null : progress.highestChunkOrder());
      item.put("messages", progress.messages());
      phases.add(item);
    }
    json.put("phases", phases);
    return json;
  }

  /** A thread as the thread list ({@code /api/v1/numbers/{id}/threads}) shows it. */
  public static Map<String, Object> thread(final ThreadView thread) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", thread.threadId());
    json.put("phone_number_id", thread.phoneNumberId());
    json.put("customer", customer(thread.customer(), thread.displayName()));
    json.put("message_count", thread.messageCount());
    json.put("unread_count", thread.unreadCount());
    json.put("last_message_at", time(thread.lastMessageAt()));
    json.put("last_direction", thread.lastDirection());
    json.put("last_preview", thread.lastPreview());
    return json;
  }

  private static Map<String, Object> customer(final CustomerIdentity identity, final String name) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("phone", identity.phone());
    json.put("user_id", identity.userId());
    json.put("username", identity.username());
    json.put("name", name);
    return json;
  }

  /** A message as a thread's message page shows it, with its current reactions. */
  public static Map<String, Object> message(
      final MessageView message, final List<ActionView> reactions) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("wamid", message.wamid());
    json.put("thread_id", message.threadId());
    json.put("direction", message.direction());
    json.put(
        "origins",
        message.sources().stream()
            .sorted(Comparator.naturalOrder())
            .map(MessageSource::wireName)
            .toList());
    json.put("type", message.type());
    json.put("text", message.text());
    json.put("content", parse(message.contentJson()));
    json.put("sent_at", time(message.sentAt()));
    json.put("status", message.status());
    json.put("status_at", time(message.statusAt()));
    json.put("reply_to", message.replyToWamid());
    json.put("media", media(message.media()));
    if (message.editCount() == 0) {
      json.put("edited", null);
    } else {
      final Map<String, Object> edited = new LinkedHashMap<>();
      edited.put("count", message.editCount());
      edited.put("at", time(message.editedAt()));
      edited.put("original_text", message.originalText());
      json.put("edited", edited);
    }
    json.put("revoked", message.revoked());
    json.put("reactions", reactions.stream().map(ResourceJson::reaction).toList());
    json.put("errors", parseArray(message.errorsJson()));
    return json;
  }

  /** A message as {@code /api/v1/messages/{wamid}} shows it: with its number and statuses. */
  public static Map<String, Object> messageDetail(final MessageDetail detail) {
    final Map<String, Object> json = message(detail.message(), detail.reactions());
    json.put("phone_number_id", detail.message().phoneNumberId());
    json.put("statuses", detail.statuses().stream().map(ResourceJson::status).toList());
    return json;
  }

  /**
   * A reaction as {@code /api/v1/messages/{wamid}} shows it by its own wamid: a message of type
   * {@code reaction} (the fields every message has), and {@code reaction}, what it reacts to.
   */
  public static Map<String, Object> reaction(final ReactionView reaction) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("wamid", reaction.wamid());
    json.put("thread_id", reaction.threadId());
    json.put("direction", reaction.direction());
    json.put(
        "origins",
        reaction.sources().stream()
            .sorted(Comparator.naturalOrder())
            .map(MessageSource::wireName)
            .toList());
    json.put("type", "reaction");
    json.put("text", null);
    json.put("content", parse(reaction.contentJson()));
    json.put("sent_at", time(reaction.at()));
    json.put("status", null);
    json.put("status_at", null);
    json.put("reply_to", null);
    json.put("media", null);
    json.put("edited", null);
    json.put("revoked", false);
    json.put("reactions", List.of());
    json.put("errors", List.of());
    json.put("phone_number_id", reaction.phoneNumberId());
    json.put("statuses", List.of());
    final Map<String, Object> about = new LinkedHashMap<>();
    about.put("target_wamid", reaction.targetWamid());
    about.put(
        "emoji", reaction.emoji() == null || reaction.emoji().isEmpty() ? null : reaction.emoji());
    about.put("removed", reaction.emoji() == null || reaction.emoji().isEmpty());
    about.put("actor", reaction.actor());
    json.put("reaction", about);
    return json;
  }

  /** A status as the {@code statuses} of its message show it. */
  public static Map<String, Object> status(final StatusView status) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", status.status());
    json.put("at", time(status.at()));
    json.put("errors", parseArray(status.errorsJson()));
    json.put("pricing", parse(status.pricingJson()));
    return json;
  }

  private static Map<String, Object> reaction(final ActionView reaction) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("wamid", reaction.wamid());
    json.put("emoji", reaction.emoji());
    json.put("direction", reaction.direction());
    json.put("at", time(reaction.at()));
    return json;
  }

  private static Map<String, Object> media(final MediaView media) {
    if (media == null) {
      return null;
    }
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", media.id());
    json.put("mime_type", media.mimeType());
    json.put("caption", media.caption());
    json.put("filename", media.filename());
    json.put("placeholder", media.placeholder());
    return json;
  }

  /** A contact as the contacts list ({@code /api/v1/numbers/{id}/contacts}) shows it. */
  public static Map<String, Object> contact(final ContactView contact) {
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("phone", contact.identity().phone());
    json.put("user_id", contact.identity().userId());
    json.put("username", contact.identity().username());
    json.put("full_name", contact.fullName());
    json.put("first_name", contact.firstName());
    json.put("removed", contact.removed());
    json.put("changed_at", time(contact.changedAt()));
    return json;
  }

  /** ISO-8601 in UTC, null for null. */
  public static String time(final Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static JsonNode parse(final String json) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException stored) {
      // the store writes this JSON itself; an unreadable value is shown as text, not lost
      return JSON.getNodeFactory().textNode(json);
    }
  }

  private static Object parseArray(final String json) {
    final JsonNode parsed = parse(json);
    return parsed == null || !parsed.isArray() ? List.of() : parsed;
  }
}
