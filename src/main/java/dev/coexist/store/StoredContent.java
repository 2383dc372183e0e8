package dev.coexist.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coexist.coexistence.Message;

/**
 * How a message's content object is kept in {@code messages.content}. Most messages are texts whose
 * content is exactly {@code {"body": <text>}}, and the text is already kept in {@code
 * text_original}: storing it again as JSON made every history row about a third bigger, and the
 * bytes of a row are what an import pays for. Such content is stored as NULL and rebuilt on read;
 * any other content (a text with {@code preview_url}, every other type) is stored as received.
 */
public final class StoredContent {
  private StoredContent() {}

  /** Whether the content is implied by the message's type and text, so it need not be stored. */
  static boolean isImplied(final Message message) {
    final JsonNode content = message.content();
    return "text".equals(message.type())
        && content != null
        && content.isObject()
        && content.size() == 1
        && content.path("body").isTextual()
        && content.path("body").textValue().equals(message.text());
  }

  /** The content JSON to store: null when the message has none or it is implied. */
  public static String json(final Message message) {
    return message.content() == null || isImplied(message) ? null : message.content().toString();
  }

  /** The content JSON as read back: the stored JSON, or the implied {@code {"body": ...}}. */
  public static String read(final String type, final String storedJson, final String textOriginal) {
    if (storedJson == null && "text".equals(type) && textOriginal != null) {
      return JsonNodeFactory.instance.objectNode().put("body", textOriginal).toString();
    }
    return storedJson;
  }
}
