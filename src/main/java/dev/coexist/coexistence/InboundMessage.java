package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message a customer sent, live ({@code messages} field, {@code messages[]}), of any type,
 * including {@code edit}, {@code revoke}, {@code reaction}, {@code system}, {@code unsupported} and
 * types not known yet.
 *
 * @param sender the matching {@code contacts[]} entry (profile name, username), null if none
 */
public record InboundMessage(Origin origin, Message message, ContactProfile sender)
    implements CoexistenceEvent {

  @Override
  public JsonNode raw() {
    return message.raw();
  }
}
