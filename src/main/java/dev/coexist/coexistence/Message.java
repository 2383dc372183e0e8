package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One WhatsApp message as found in {@code messages[]}, {@code message_echoes[]} or a history
 * thread. Only what the conversation store needs is lifted out; everything else stays in {@link
 * #content()} and {@link #raw()}.
 *
 * @param wamid message id ({@code id}), the idempotency key
 * @param type {@code type} verbatim, including types this decoder does not know and {@code
 *     media_placeholder}
 * @param direction seen from the business
 * @param from sender: {@code from}, {@code from_user_id}, {@code from_parent_user_id}
 * @param to recipient: {@code to}, {@code to_user_id}, {@code to_parent_user_id}; mostly unknown
 *     for messages a customer sent, because WhatsApp omits the business as recipient
 * @param timestamp {@code timestamp} (unix seconds, string or number); null if missing or
 *     unreadable
 * @param content the object named by {@code type} (e.g. {@code text}, {@code image}); for {@code
 *     contacts} the array; null if absent
 * @param text readable text: text body, media caption, button text, interactive reply title, system
 *     body, or the new text of an edit
 * @param media media object of image/video/audio/document/sticker; null otherwise
 * @param replyToWamid {@code context.id}: the message this one replies to
 * @param targetWamid the message acted on: {@code edit/revoke.original_message_id} or {@code
 *     reaction.message_id}
 * @param emoji reaction emoji; empty or null when a reaction is removed
 * @param errors {@code errors[]} of the message (e.g. 131060 on {@code unsupported})
 * @param raw the message item
 */
public record Message(
    String wamid,
    String type,
    Direction direction,
    Party from,
    Party to,
    Instant timestamp,
    JsonNode content,
    String text,
    Media media,
    String replyToWamid,
    String targetWamid,
    String emoji,
    List<ApiError> errors,
    JsonNode raw) {

  public Message {
    errors = List.copyOf(errors);
  }

  /**
   * The customer side of the conversation: the sender of an inbound, the recipient of an outbound.
   */
  public Party customer() {
    return direction == Direction.OUTBOUND ? to : from;
  }

  /**
   * History messages often name only the business side ({@code from_me} without {@code to}); the
   * thread names the customer, so it fills in the missing side.
   */
  Message withCustomer(Party customer) {
    if (direction == Direction.OUTBOUND && to.isUnknown()) {
      return new Message(
          wamid,
          type,
          direction,
          from,
          customer,
          timestamp,
          content,
          text,
          media,
          replyToWamid,
          targetWamid,
          emoji,
          errors,
          raw);
    }
    if (direction == Direction.INBOUND && from.isUnknown()) {
      return new Message(
          wamid,
          type,
          direction,
          customer,
          to,
          timestamp,
          content,
          text,
          media,
          replyToWamid,
          targetWamid,
          emoji,
          errors,
          raw);
    }
    return this;
  }

  /** History sends media without id first; a later {@link HistoryMedia} fills it in by wamid. */
  public boolean isMediaPlaceholder() {
    return "media_placeholder".equals(type);
  }
}
