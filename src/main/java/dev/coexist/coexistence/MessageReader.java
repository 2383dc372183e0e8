package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Reads one message item (live, echo, history or history media) into a {@link Message}. */
final class MessageReader {

  private static final Set<String> MEDIA_TYPES =
      Set.of("image", "video", "audio", "document", "sticker");

  private MessageReader() {}

  static Message read(JsonNode item, Direction direction) {
    Json.requireObject(item, "message");
    String wamid = Json.text(item, "id");
    if (wamid == null || wamid.isBlank()) {
      throw new BadItemException("message without id (wamid)");
    }
    String type = Json.text(item, "type");
    JsonNode content = type == null ? null : item.get(type);
    return new Message(
        wamid,
        type,
        direction,
        party(item, "from"),
        party(item, "to"),
        Json.epochSeconds(item.get("timestamp")),
        content,
        readableText(type, content),
        media(type, content),
        Json.text(item.path("context"), "id"),
        targetWamid(type, content),
        "reaction".equals(type) ? Json.text(content, "emoji") : null,
        Json.errors(item.get("errors")),
        item);
  }

  /**
   * Direction of a history message. {@code from_me} is explicit and wins; then {@code from}
   * compared with the business number by digits; then the presence of a recipient, because history
   * carries {@code to} only on messages the business sent. A message naming nobody was sent by a
   * user whose number is hidden (username adopters), so it is inbound.
   */
  static Direction historyDirection(JsonNode item, Boolean fromMe, String businessNumber) {
    if (fromMe != null) {
      return fromMe ? Direction.OUTBOUND : Direction.INBOUND;
    }
    String from = Json.text(item, "from");
    if (from != null && !Digits.of(businessNumber).isEmpty()) {
      return Digits.same(from, businessNumber) ? Direction.OUTBOUND : Direction.INBOUND;
    }
    boolean hasRecipient = Json.text(item, "to") != null || Json.text(item, "to_user_id") != null;
    return hasRecipient ? Direction.OUTBOUND : Direction.INBOUND;
  }

  /** {@code from}/{@code from_user_id}/{@code from_parent_user_id}, likewise for {@code to}. */
  private static Party party(JsonNode item, String side) {
    return new Party(
        Json.text(item, side),
        Json.text(item, side + "_user_id"),
        Json.text(item, side + "_parent_user_id"),
        null);
  }

  private static Media media(String type, JsonNode content) {
    if (type == null || !MEDIA_TYPES.contains(type) || content == null || !content.isObject()) {
      return null;
    }
    return new Media(
        Json.text(content, "id"),
        Json.text(content, "mime_type"),
        Json.text(content, "sha256"),
        Json.text(content, "caption"),
        Json.text(content, "filename"));
  }

  private static String targetWamid(String type, JsonNode content) {
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "edit", "revoke" -> Json.text(content, "original_message_id");
      case "reaction" -> Json.text(content, "message_id");
      default -> null;
    };
  }

  private static String readableText(String type, JsonNode content) {
    if (type == null || content == null || !content.isObject()) {
      return null;
    }
    return switch (type) {
      case "text" -> Json.text(content, "body");
      case "image", "video", "document", "audio", "sticker" -> Json.text(content, "caption");
      case "button", "order" -> Json.text(content, "text");
      case "system" -> Json.text(content, "body");
      case "interactive" -> interactiveReplyTitle(content);
      case "edit" -> editedText(content.path("message"));
      default -> null;
    };
  }

  private static String interactiveReplyTitle(JsonNode interactive) {
    String replyType = Json.text(interactive, "type");
    return replyType == null ? null : Json.text(interactive.path(replyType), "title");
  }

  /**
   * The new text of an edit: {@code edit.message} is itself a message (text or captioned media).
   */
  private static String editedText(JsonNode newMessage) {
    String type = Json.text(newMessage, "type");
    if (type == null) {
      return null;
    }
    JsonNode content = newMessage.path(type);
    return "text".equals(type) ? Json.text(content, "body") : Json.text(content, "caption");
  }
}
