package dev.coexist.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The only look at a body on the request thread: is it one JSON object in one of the two envelopes,
 * and which 360dialog event id does it carry. A streaming pass that builds no tree, so a 1 MB
 * history chunk costs a scan, not an object graph; decoding proper happens later, off the request.
 */
public final class BodyCheck {
  private static final JsonFactory JSON = new JsonFactory();

  private BodyCheck() {}

  /** What the check found: an envelope kind and event id, or the reason to reject the body. */
  public record Verdict(Envelope envelope, String eventId, String rejection) {
    public boolean accepted() {
      return rejection == null;
    }

    static Verdict reject(final String reason) {
      return new Verdict(null, null, reason);
    }
  }

  /** The two envelopes a delivery may come in. */
  public enum Envelope {
    META,
    DIALOG_360
  }

  public static Verdict check(final byte[] body) {
    if (body.length == 0) {
      return Verdict.reject("empty body: a webhook delivery is a JSON object");
    }
    // before the parser: it would read UTF-16 and UTF-32 too, and lets some invalid UTF-8 through
    final String notUtf8 = Utf8.firstProblem(body);
    if (notUtf8 != null) {
      return Verdict.reject("not UTF-8: " + notUtf8);
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Verdict.reject("not a JSON object: the body must start with '{'");
      }
      boolean metaObject = false;
      boolean metaEntries = false;
      boolean dialogEvent = false;
      boolean dialogData = false;
      String topLevelId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        final String name = parser.currentName();
        final JsonToken value = parser.nextToken();
        switch (name) {
          case "object" -> metaObject = value == JsonToken.VALUE_STRING;
          case "entry" -> metaEntries = value == JsonToken.START_ARRAY;
          case "event" -> dialogEvent = value == JsonToken.VALUE_STRING;
          case "data" -> dialogData = value == JsonToken.START_OBJECT;
          case "id" -> topLevelId = value.isScalarValue() ? parser.getText() : null;
          default -> {
            // other members are the decoder's business
          }
        }
        // skipping still tokenises the member, so the whole body is checked to be valid JSON
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        return Verdict.reject("not JSON: content after the end of the top-level object");
      }
      if (metaObject && metaEntries) {
        return new Verdict(Envelope.META, null, null);
      }
      if (dialogEvent && dialogData) {
        return new Verdict(Envelope.DIALOG_360, topLevelId, null);
      }
      return Verdict.reject(
          "neither envelope: expected Meta's {\"object\", \"entry\": [...]} or 360dialog's"
              + " {\"event\", \"data\": {...}}");
    } catch (JsonProcessingException invalid) {
      final JsonLocation where = invalid.getLocation();
      return Verdict.reject(
          "not JSON: "
              + invalid.getOriginalMessage()
              + (where == null
                  ? ""
                  : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
    } catch (IOException unreadable) {
      // reading a byte array fails only on what the parser cannot decode
      return Verdict.reject("not JSON: " + unreadable.getMessage());
    }
  }
}
