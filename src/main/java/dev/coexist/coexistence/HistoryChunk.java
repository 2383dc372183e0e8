package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One {@code history[]} item: a chunk of past chats. Chunks may arrive out of order and more than
 * once, and a chunk may carry progress only (no threads).
 *
 * @param phase {@code 0} = day 0-1, {@code 1} = day 1-90, {@code 2} = day 90-180; null if absent
 * @param chunkOrder order of the chunk, for re-ordering; null if absent
 * @param progress overall sync progress 0-100; null if absent
 * @param threads the 1:1 chats of this chunk, possibly empty
 */
public record HistoryChunk(
    Origin origin,
    Integer phase,
    Integer chunkOrder,
    Integer progress,
    List<HistoryThread> threads,
    JsonNode raw)
    implements CoexistenceEvent {

  public HistoryChunk {
    threads = List.copyOf(threads);
  }

  /** {@code progress == 100} is the only end-of-sync signal WhatsApp sends. */
  public boolean isSyncComplete() {
    return progress != null && progress == 100;
  }

  public int messageCount() {
    return threads.stream().mapToInt(thread -> thread.messages().size()).sum();
  }
}
