package dev.coexist.apply;

import dev.coexist.coexistence.AccountUpdate;
import dev.coexist.coexistence.ApiError;
import dev.coexist.coexistence.ContactChange;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryDeclined;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.PartnerEvent;
import dev.coexist.store.ContactView;
import dev.coexist.store.HistorySync;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.MessageSource;
import dev.coexist.store.NumberView;
import dev.coexist.store.ResourceJson;
import dev.coexist.store.StatusView;
import dev.coexist.store.ThreadView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One change an apply transaction makes, as the change log records it (see {@link ChangeWriter}): a
 * type {@code resource.action} of {@link #TYPES}, the number and thread it belongs to when known,
 * and its data: the resource as the read API shows it ({@link ResourceJson}, nulls included), read
 * in the transaction that changed it, after the few fields that place it and say what happened
 * (those left out when unknown). A history chunk is one {@code history.updated}, its threads one
 * {@code thread.updated} each when their figures are refreshed, not one event per message.
 *
 * @param location for a history chunk, where it is in its journal entry's body (outbound webhooks
 *     find its messages there, for the subscriptions that ask for one event per message); null
 *     otherwise. Not part of the data.
 */
public record StoreChange(
    String type, String phoneNumberId, Long threadId, Map<String, Object> data, String location) {

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

  public StoreChange(
      final String type,
      final String phoneNumberId,
      final Long threadId,
      final Map<String, Object> data) {
    this(type, phoneNumberId, threadId, data, null);
  }

  /**
   * The data of a {@code message.created}: the message as {@code GET /api/v1/messages/{wamid}}
   * shows it, with the source that brought it ({@code origin}). Outbound webhooks build the
   * per-message events of a history chunk with it too.
   */
  public static Map<String, Object> messageCreatedData(
      final MessageDetail message, final MessageSource origin) {
    final String number = message.message().phoneNumberId();
    return new Fields(number)
        .with("thread_id", message.message().threadId())
        .with("origin", origin.wireName())
        .resource(ResourceJson.messageDetail(message))
        .map;
  }

  /** A message that arrived (live, or echoed from the app), as it is once written. */
  static StoreChange messageCreated(final MessageDetail message, final MessageSource origin) {
    return new StoreChange(
        "message.created",
        message.message().phoneNumberId(),
        message.message().threadId(),
        messageCreatedData(message, origin));
  }

  /**
   * An edit, revoke or reaction acting on the message {@code wamid}, or its media filled in: the
   * message as it then is, with what changed ({@code change}) and the acting message's wamid.
   *
   * @param message null while the message acted on is not stored (the action waits for it)
   */
  static StoreChange messageUpdated(
      final String number,
      final String wamid,
      final String change,
      final Message by,
      final MessageDetail message) {
    final Long threadId = message == null ? null : message.message().threadId();
    final Fields data =
        new Fields(number).with("thread_id", threadId).with("wamid", wamid).with("change", change);
    if (by != null && !by.wamid().equals(wamid)) {
      data.with("by_wamid", by.wamid());
    }
    if (message != null) {
      data.resource(ResourceJson.messageDetail(message));
    }
    return new StoreChange("message.updated", number, threadId, data.map);
  }

  /**
   * A status of the message {@code wamid}, as the message's {@code statuses} show it.
   *
   * @param threadId null while the message is not stored (the status waits for it)
   */
  static StoreChange status(
      final String number, final Long threadId, final String wamid, final StatusView status) {
    final Fields data =
        new Fields(number)
            .with("thread_id", threadId)
            .with("wamid", wamid)
            .resource(ResourceJson.status(status));
    return new StoreChange("status.created", number, threadId, data.map);
  }

  /**
   * A thread whose figures were recomputed, as the thread list shows it after.
   *
   * @param thread null when the thread is gone
   */
  static StoreChange thread(final String number, final long threadId, final ThreadView thread) {
    final Fields data = new Fields(number).with("thread_id", threadId);
    if (thread != null) {
      data.resource(ResourceJson.thread(thread));
    }
    return new StoreChange("thread.updated", number, threadId, data.map);
  }

  /**
   * A change of the app's address book, with the contact as the contacts list shows it after (the
   * newest change wins: an older one arriving late leaves the contact as it was).
   */
  static StoreChange contact(
      final String number,
      final long threadId,
      final ContactChange change,
      final ContactView contact) {
    final Fields data =
        new Fields(number).with("thread_id", threadId).with("action", change.actionValue());
    if (contact != null) {
      data.resource(ResourceJson.contact(contact));
    }
    return new StoreChange("contact.updated", number, threadId, data.map);
  }

  /** A history chunk applied: its own figures, and the number's history sync after it. */
  static StoreChange historyChunk(
      final String number,
      final long journalId,
      final HistoryChunk chunk,
      final HistorySync history) {
    final Fields data =
        new Fields(number)
            .with("journal_id", journalId)
            .with("phase", chunk.phase())
            .with("chunk_order", chunk.chunkOrder())
            .with("progress", chunk.progress())
            .with("threads", chunk.threads().size())
            .with("messages", chunk.messageCount())
            .with("history", ResourceJson.history(history));
    return new StoreChange("history.updated", number, null, data.map, chunk.origin().location());
  }

  /** The number's history sharing declined, and its history sync after it. */
  static StoreChange historyDeclined(
      final String number,
      final long journalId,
      final HistoryDeclined declined,
      final HistorySync history) {
    final Fields data =
        new Fields(number)
            .with("journal_id", journalId)
            .with("declined", true)
            .with("errors", errors(declined.errors()))
            .with("history", ResourceJson.history(history));
    return new StoreChange("history.updated", number, null, data.map);
  }

  /**
   * An {@code account_update}, and the number as {@code /api/v1/numbers/{id}} shows it after.
   *
   * @param shown null when the update names no number this store knows by id
   */
  static StoreChange account(
      final String number, final AccountUpdate update, final NumberView shown) {
    final Fields data =
        new Fields(number)
            .with("event", update.event())
            .with("phone_number", update.phoneNumber())
            .with("disconnection_reason", update.disconnectionReason())
            .with("initiated_by", update.initiatedBy());
    if (shown != null) {
      data.resource(ResourceJson.number(shown));
    }
    return new StoreChange("number.updated", number, null, data.map);
  }

  /** A 360dialog partner event naming the number, and the number as the API shows it after. */
  static StoreChange partner(
      final String number, final PartnerEvent partner, final NumberView shown) {
    final Fields data =
        new Fields(number).with("event", partner.event()).with("source", "360dialog");
    if (shown != null) {
      data.resource(ResourceJson.number(shown));
    }
    return new StoreChange("number.updated", number, null, data.map);
  }

  static StoreChange failed(final long journalId, final String error) {
    final Map<String, Object> data = new LinkedHashMap<>();
    data.put("journal_id", journalId);
    data.put("error", error);
    return new StoreChange("delivery.failed", null, null, data);
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

  /**
   * A data map: the number first, then the fields that place the change and say what happened (left
   * out when null), then the resource as the API shows it (nulls kept, as the API shows them; a
   * field both name keeps its place and the resource's value, which is the same).
   */
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

    Fields resource(final Map<String, Object> resource) {
      map.putAll(resource);
      return this;
    }
  }
}
