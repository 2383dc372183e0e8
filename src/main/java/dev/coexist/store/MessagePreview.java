package dev.coexist.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A message in a few words, as a thread list shows its last message: "Photo", "Voice message",
 * "Location: Obelisco", "Contact: Ana", the text itself. Never a type name in brackets: the person
 * reading a thread list is a support engineer, not a parser. The inbox's bubbles.js words messages
 * the same way.
 */
public final class MessagePreview {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, String> MEDIA =
      Map.of(
          "image", "Photo",
          "video", "Video",
          "audio", "Audio",
          "document", "Document",
          "sticker", "Sticker");

  private MessagePreview() {}

  /**
   * The words for one message.
   *
   * @param type the message's type as received (unknown types included), null when unknown
   * @param text its readable text (body, caption, button or reply title, after the latest edit)
   * @param contentJson the object named by type, as stored (the array for {@code contacts})
   * @param revoked whether the sender deleted it
   */
  public static String of(
      final String type, final String text, final String contentJson, final boolean revoked) {
    if (revoked) {
      return "This message was deleted";
    }
    final String kind = type == null ? "" : type;
    final JsonNode content = parse(contentJson);
    final String words =
        switch (kind) {
          case "text", "system" -> blank(text) ? "Message" : text;
          case "image", "video", "document", "sticker" -> media(kind, text, content);
          case "audio" ->
              content.path("voice").asBoolean(false) ? "Voice message" : media(kind, text, content);
          case "media_placeholder" -> "Media from the history import";
          case "location" -> location(content);
          case "contacts" -> contacts(content);
          case "interactive", "button" -> blank(text) ? "Interactive reply" : text;
          case "order" -> order(text, content);
          case "reaction" -> "Reaction " + content.path("emoji").asText("");
          case "template" -> blank(text) ? "Template message" : text;
          case "unsupported" -> "Unsupported message";
          case "" -> blank(text) ? "Message" : text;
          default -> blank(text) ? humane(kind) : text;
        };
    return words.strip();
  }

  private static String media(final String kind, final String text, final JsonNode content) {
    final String label = MEDIA.getOrDefault(kind, humane(kind));
    if (!blank(text)) {
      return label + ": " + text;
    }
    final String filename = content.path("filename").asText("");
    return filename.isBlank() ? label : label + ": " + filename;
  }

  private static String location(final JsonNode content) {
    for (final String field : List.of("name", "address")) {
      final String value = content.path(field).asText("");
      if (!value.isBlank()) {
        return "Location: " + value;
      }
    }
    return "Location";
  }

  private static String contacts(final JsonNode content) {
    final List<String> names = new ArrayList<>();
    for (final JsonNode card : content.isArray() ? content : List.<JsonNode>of()) {
      final JsonNode name = card.path("name");
      String shown = name.path("formatted_name").asText("");
      if (shown.isBlank()) {
        shown = (name.path("first_name").asText("") + " " + name.path("last_name").asText(""));
      }
      if (shown.isBlank()) {
        shown = card.path("phones").path(0).path("phone").asText("");
      }
      if (!shown.isBlank()) {
        names.add(shown.strip());
      }
    }
    if (names.isEmpty()) {
      return "Contact";
    }
    if (names.size() == 1) {
      return "Contact: " + names.getFirst();
    }
    return "Contacts: " + names.getFirst() + " and " + (names.size() - 1) + " more";
  }

  private static String order(final String text, final JsonNode content) {
    final int items = content.path("product_items").size();
    final String count = items == 1 ? "1 item" : items + " items";
    return blank(text) ? "Order: " + count : "Order: " + count + " · " + text;
  }

  /** {@code poll_vote} → "Poll vote": a type this code does not know, in words all the same. */
  private static String humane(final String type) {
    final String spaced = type.replace('_', ' ').strip();
    if (spaced.isEmpty()) {
      return "Message";
    }
    return spaced.substring(0, 1).toUpperCase(Locale.ROOT) + spaced.substring(1);
  }

  private static boolean blank(final String text) {
    return text == null || text.isBlank();
  }

  private static JsonNode parse(final String json) {
    if (json == null || json.isEmpty()) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException unreadable) {
      // the store wrote it; a preview is not the place to fail over it
      return JSON.missingNode();
    }
  }
}
