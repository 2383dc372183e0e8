package dev.coexist.store;

import java.util.List;

/**
 * A message with everything attached to it.
 *
 * @param statuses every status reported, oldest first
 * @param edits oldest first; the latest is the current text
 * @param reactionEvents every reaction and removal, oldest first
 * @param reactions the current reaction of each actor (removed ones left out)
 */
public record MessageDetail(
    MessageView message,
    List<StatusView> statuses,
    List<ActionView> edits,
    List<ActionView> revokes,
    List<ActionView> reactionEvents,
    List<ActionView> reactions) {

  public MessageDetail {
    statuses = List.copyOf(statuses);
    edits = List.copyOf(edits);
    revokes = List.copyOf(revokes);
    reactionEvents = List.copyOf(reactionEvents);
    reactions = List.copyOf(reactions);
  }
}
