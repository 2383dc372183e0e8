package dev.coexist.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An opaque pagination cursor: the keyset position of the last row of a page (e.g. its time and
 * id), so that the next page starts strictly after it and stays right while new rows arrive. It is
 * base64url of a small JSON array tagged with what it pages, so a cursor of one list is refused by
 * another.
 */
public record Cursor(String kind, List<String> position) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Cursor {
    position = List.copyOf(position);
  }

  public String encode() {
    final ArrayNode array = JSON.createArrayNode().add(kind);
    position.forEach(array::add);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(array.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a cursor handed out for {@code expectedKind} with {@code size} position values.
   *
   * @throws BadRequestException when the text is not such a cursor
   */
  public static Cursor decode(final String text, final String expectedKind, final int size) {
    final JsonNode array;
    try {
      array = JSON.readTree(Base64.getUrlDecoder().decode(text));
    } catch (IllegalArgumentException | IOException notACursor) {
      throw new BadRequestException("cursor '" + text + "' is not a cursor this API handed out");
    }
    if (array == null
        || !array.isArray()
        || array.size() != size + 1
        || !array.get(0).isTextual()) {
      throw new BadRequestException("cursor '" + text + "' is not a cursor this API handed out");
    }
    if (!array.get(0).asText().equals(expectedKind)) {
      throw new BadRequestException(
          "cursor '" + text + "' pages " + array.get(0).asText() + ", not " + expectedKind);
    }
    final List<String> position = new ArrayList<>(size);
    for (int index = 1; index <= size; index++) {
      if (!array.get(index).isValueNode()) {
        throw new BadRequestException("cursor '" + text + "' is not a cursor this API handed out");
      }
      position.add(array.get(index).asText());
    }
    return new Cursor(expectedKind, position);
  }

  /** The position value at {@code index} as a number, or a 400. */
  public long longAt(final int index) {
    try {
      return Long.parseLong(position.get(index));
    } catch (NumberFormatException notANumber) {
      throw new BadRequestException("cursor is not a cursor this API handed out");
    }
  }
}
