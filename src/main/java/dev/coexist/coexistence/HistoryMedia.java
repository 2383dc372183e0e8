package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The media follow-up of a history sync: a {@code history} webhook with {@code messages[]} or
 * {@code message_echoes[]} instead of {@code history[]}. Its wamid matches an earlier {@code
 * media_placeholder}; it updates that message and is not a new live message.
 *
 * @param contact the matching {@code contacts[]} entry, null if none
 */
public record HistoryMedia(Origin origin, Message message, ContactProfile contact)
    implements CoexistenceEvent {

  @Override
  public JsonNode raw() {
    return message.raw();
  }
}
