package dev.coexist.store;

import java.time.Instant;
import java.util.Set;

/**
 * One stored message: one per (number, wamid), whatever the sources it was seen in.
 *
 * @param contentJson the object named by {@code type}, as JSON (the original, before edits)
 * @param text the readable text after the latest edit
 * @param originalText the readable text as first sent
 * @param media null for messages without media
 * @param historyStatus {@code history_context.status} as imported
 * @param status current status: moves forward only, {@code failed} terminal; null when unknown
 * @param errorsJson the message's {@code errors[]} (e.g. 131060 on unsupported), or null
 */
public record MessageView(
    long id,
    String phoneNumberId,
    String wamid,
    long threadId,
    String direction,
    Set<MessageSource> sources,
    String type,
    String contentJson,
    String text,
    String originalText,
    Instant sentAt,
    String replyToWamid,
    MediaView media,
    String historyStatus,
    String status,
    Instant statusAt,
    int editCount,
    Instant editedAt,
    boolean revoked,
    Instant revokedAt,
    String errorsJson) {

  public MessageView {
    sources = Set.copyOf(sources);
  }

  /** Where the next or previous page starts when this is the last message of a page. */
  public MessageCursor cursor() {
    return new MessageCursor(sentAt == null ? 0 : sentAt.getEpochSecond(), id);
  }
}
