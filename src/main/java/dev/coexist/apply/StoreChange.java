package dev.coexist.apply;

import dev.coexist.coexistence.AccountUpdate;
import dev.coexist.coexistence.ApiError;
import dev.coexist.coexistence.ContactChange;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryDeclined;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.PartnerEvent;
import dev.coexist.coexistence.StatusUpdate;
import dev.coexist.store.MessageSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One change an apply transaction makes, as the change log records it (see {@link ChangeWriter}): a
 * type {@code resource.action} of {@link #TYPES}, the number and thread it belongs to when known,
 * and its data (no null values). A history chunk is one {@code history.updated}, its threads one
 * {@code thread.updated} each when their figures are refreshed, not one event per message.
 */
public record StoreChange(
    String type, String phoneNumberId, Long threadId, Map<String, Object> data) {

  /** Every change type, in the order the README lists them. */
  public static final List<String> TYPES =
      List.of(
          "message.created",
          "message.updated",
          "status.created",
          "thread.updated",
          "contact.updated",
          "history.updated",
          "number.updated",
          "delivery.failed");

  /** The PostgreSQL notification channel told, at commit, that changes were written. */
  public static final String CHANNEL = "coexist_changes";

  public StoreChange {
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("not a change type: " + type);
    }
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** A message that arrived (live, echoed from the app, or history media that followed). */
  static StoreChange messageCreated(
      final String number, final long threadId, final Message message, final MessageSource source) {
    final Fields data = new Fields(number).with("thread_id", threadId);
    data.with("wamid", message.wamid())
        .with("direction", message.direction().name().toLowerCase(Locale.ROOT))
        .with("origin", source.name().toLowerCase(Locale.ROOT))
        .with("type", message.type())
        .with("text", message.text())
        .with("sent_at", time(message.timestamp()));
    return new StoreChange("message.created", number, threadId, data.map);
  }

  /** An edit, revoke or reaction acting on an earlier message, or media filled in. */
  static StoreChange messageUpdated(
      final String number,
      final Long threadId,
      final String wamid,
      final String change,
      final Message by) {
    final Fields data =
        new Fields(number).with("thread_id", threadId).with("wamid", wamid).with("change", change);
    if (by != null && !by.wamid().equals(wamid)) {
      data.with("by_wamid", by.wamid());
    }
    if (by != null) {
      data.with("text", by.text()).with("emoji", by.emoji()).with("at", time(by.timestamp()));
    }
    return new StoreChange("message.updated", number, threadId, data.map);
  }

  static StoreChange status(final String number, final Long threadId, final StatusUpdate status) {
    final Fields data =
        new Fields(number)
            .with("thread_id", threadId)
            .with("wamid", status.wamid())
            .with("status", status.status().value())
            .with("at", time(status.timestamp()))
            .with("recipient_phone", status.recipient() == null ? null : status.recipient().phone())
            .with(
                "recipient_user_id",
                status.recipient() == null ? null : status.recipient().userId());
    if (!status.errors().isEmpty()) {
      data.with("errors", errors(status.errors()));
    }
    return new StoreChange("status.created", number, threadId, data.map);
  }

  static StoreChange thread(final String number, final long threadId) {
    return new StoreChange(
        "thread.updated", number, threadId, new Fields(number).with("thread_id", threadId).map);
  }

  static StoreChange contact(
      final String number, final long threadId, final ContactChange contact) {
    final Fields data =
        new Fields(number)
            .with("thread_id", threadId)
            .with("action", contact.actionValue())
            .with("phone", contact.contact() == null ? null : contact.contact().phone())
            .with("user_id", contact.contact() == null ? null : contact.contact().userId())
            .with("full_name", contact.fullName());
    return new StoreChange("contact.updated", number, threadId, data.map);
  }

  static StoreChange historyChunk(
      final String number, final long journalId, final HistoryChunk chunk) {
    final Fields data =
        new Fields(number)
            .with("journal_id", journalId)
            .with("phase", chunk.phase())
            .with("chunk_order", chunk.chunkOrder())
            .with("progress", chunk.progress())
            .with("threads", chunk.threads().size())
            .with("messages", chunk.messageCount());
    return new StoreChange("history.updated", number, null, data.map);
  }

  static StoreChange historyDeclined(
      final String number, final long journalId, final HistoryDeclined declined) {
    final Fields data =
        new Fields(number)
            .with("journal_id", journalId)
            .with("declined", true)
            .with("errors", errors(declined.errors()));
    return new StoreChange("history.updated", number, null, data.map);
  }

  static StoreChange account(final String number, final AccountUpdate update) {
    final Fields data =
        new Fields(number)
            .with("event", update.event())
            .with("phone_number", update.phoneNumber())
            .with("disconnection_reason", update.disconnectionReason())
            .with("initiated_by", update.initiatedBy());
    return new StoreChange("number.updated", number, null, data.map);
  }

  static StoreChange partner(final String number, final PartnerEvent partner) {
    return new StoreChange(
        "number.updated",
        number,
        null,
        new Fields(number).with("event", partner.event()).with("source", "360dialog").map);
  }

  static StoreChange failed(final long journalId, final String error) {
    final Map<String, Object> data = new LinkedHashMap<>();
    data.put("journal_id", journalId);
    data.put("error", error);
    return new StoreChange("delivery.failed", null, null, data);
  }

  private static String time(final Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static List<Map<String, Object>> errors(final List<ApiError> errors) {
    final List<Map<String, Object>> list = new ArrayList<>(errors.size());
    for (final ApiError error : errors) {
      final Fields fields =
          new Fields(null)
              .with("code", error.code())
              .with("title", error.title())
              .with("details", error.details());
      list.add(fields.map);
    }
    return list;
  }

  /** A data map that leaves out null values and starts with the number. */
  private static final class Fields {
    private final Map<String, Object> map = new LinkedHashMap<>();

    Fields(final String number) {
      with("phone_number_id", number);
    }

    Fields with(final String name, final Object value) {
      if (value != null) {
        map.put(name, value);
      }
      return this;
    }
  }
}
