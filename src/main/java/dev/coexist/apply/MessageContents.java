package dev.coexist.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.coexistence.CoexistenceEvent;
import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.HistoryChunk;
import dev.coexist.coexistence.HistoryMedia;
import dev.coexist.coexistence.HistoryMessage;
import dev.coexist.coexistence.HistoryThread;
import dev.coexist.coexistence.InboundMessage;
import dev.coexist.coexistence.Message;
import dev.coexist.coexistence.MessageEcho;
import dev.coexist.store.StoredContent;
import java.util.IdentityHashMap;
import java.util.Map;

/** The content JSON the messages of a delivery store, serialised with the decoding. */
final class MessageContents {
  private MessageContents() {}

  /**
   * The content JSON of every message of a delivery that stores one ({@link StoredContent}), keyed
   * by node identity. Serialising is a good part of the cost of a big chunk, so it is done with
   * decoding, ahead of the writer.
   */
  static Map<JsonNode, String> of(final Decoded decoded) {
    final Map<JsonNode, String> contents = new IdentityHashMap<>();
    for (final CoexistenceEvent event : decoded.events()) {
      switch (event) {
        case HistoryChunk chunk -> {
          for (final HistoryThread thread : chunk.threads()) {
            for (final HistoryMessage item : thread.messages()) {
              put(contents, item.message());
            }
          }
        }
        case HistoryMedia media -> put(contents, media.message());
        case InboundMessage inbound -> put(contents, inbound.message());
        case MessageEcho echo -> put(contents, echo.message());
        default -> {
          // no message content
        }
      }
    }
    return contents;
  }

  private static void put(final Map<JsonNode, String> contents, final Message message) {
    if (message.content() != null) {
      contents.put(message.content(), StoredContent.json(message)); // null when implied
    }
  }

  /** The content JSON to store for the message: prepared ahead, else serialised now. */
  static String of(final Map<JsonNode, String> contents, final Message message) {
    return contents.containsKey(message.content())
        ? contents.get(message.content())
        : StoredContent.json(message);
  }
}
