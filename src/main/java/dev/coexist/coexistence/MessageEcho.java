package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message the business sent from the WhatsApp Business app or a linked device ({@code
 * smb_message_echoes}); always {@link Direction#OUTBOUND}.
 *
 * @param recipient the matching {@code contacts[]} entry, null if none
 */
public record MessageEcho(Origin origin, Message message, ContactProfile recipient)
    implements CoexistenceEvent {

  @Override
  public JsonNode raw() {
    return message.raw();
  }
}
