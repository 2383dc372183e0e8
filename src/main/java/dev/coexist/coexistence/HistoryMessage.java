package dev.coexist.coexistence;

/**
 * A message of a history thread.
 *
 * @param status {@code history_context.status}, null if absent
 * @param fromMe {@code history_context.from_me} (undocumented, seen in real payloads); null if
 *     absent. Already folded into {@link Message#direction()}.
 */
public record HistoryMessage(Message message, Status status, Boolean fromMe) {}
