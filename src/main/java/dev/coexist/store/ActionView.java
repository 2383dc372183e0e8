package dev.coexist.store;

import java.time.Instant;
import java.util.Set;

/**
 * An edit, revoke or reaction aimed at a message.
 *
 * @param actor {@code business} for the business's own, else the customer's phone or user id
 * @param emoji reactions only; empty or null when the reaction was removed
 * @param text edits only: the new text
 */
public record ActionView(
    String wamid,
    String kind,
    String direction,
    Set<MessageSource> sources,
    String actor,
    Instant at,
    String emoji,
    String text) {

  public ActionView {
    sources = Set.copyOf(sources);
  }
}
