package dev.coexist.apply;

import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryMessage;
import dev.coexist.coexistence.HistoryThread;
import dev.coexist.coexistence.Message;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which items of a history chunk are stored as messages: all but the actions (edits, revokes,
 * reactions), which act on their targets instead. The one rule for the writer and for outbound
 * webhooks, which send one {@code message.created} per message a chunk stored to the subscriptions
 * that ask for them.
 */
public final class HistoryMessages {
  private HistoryMessages() {}

  /** Whether the item is stored as a message of its own. */
  static boolean isStored(final Message message) {
    return !DeliveryApplier.isAction(message);
  }

  /** The wamids of the messages the chunk writes, in the chunk's order, each once. */
  public static List<String> wamids(final HistoryChunk chunk) {
    final Set<String> wamids = new LinkedHashSet<>();
    for (final HistoryThread thread : chunk.threads()) {
      for (final HistoryMessage item : thread.messages()) {
        if (isStored(item.message()) && item.message().wamid() != null) {
          wamids.add(item.message().wamid());
        }
      }
    }
    return new ArrayList<>(wamids);
  }
}
