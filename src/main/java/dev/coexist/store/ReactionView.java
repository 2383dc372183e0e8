package dev.coexist.store;

import java.time.Instant;
import java.util.Set;

/**
 * A reaction as a message of its own, found by its own wamid: a reaction is kept as an action on
 * its target (and shown there), and answers {@code GET /api/v1/messages/{wamid}} too.
 *
 * @param threadId its target's thread; null while the target is not stored
 * @param emoji null or empty when the reaction removes an earlier one
 * @param contentJson the {@code reaction} object as received
 */
public record ReactionView(
    String phoneNumberId,
    String wamid,
    Long threadId,
    String targetWamid,
    String direction,
    Set<MessageSource> sources,
    String actor,
    Instant at,
    String emoji,
    String contentJson) {

  public ReactionView {
    sources = Set.copyOf(sources);
  }
}
