package dev.coexist.coexistence;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Turns the raw body of one webhook delivery into {@link CoexistenceEvent}s.
 *
 * <p>Accepts the Meta envelope and the 360dialog partner envelope on any route, reads every entry
 * and every change, and isolates bad items: each becomes a {@link DecodeProblem} while the rest of
 * the delivery is decoded. Only a body that is not an envelope at all fails as a whole, with {@link
 * NotAnEnvelopeException}. Stateless and thread-safe.
 */
public final class Decoder {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String META_OBJECT = "whatsapp_business_account";

  /**
   * @throws NotAnEnvelopeException if the body is not JSON or not a recognisable envelope
   */
  public Decoded decode(byte[] body) {
    if (body == null || body.length == 0) {
      throw new NotAnEnvelopeException("body is empty");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JacksonException notJson) {
      throw new NotAnEnvelopeException(
          "body is not JSON: " + notJson.getOriginalMessage(), notJson);
    } catch (IOException unreadable) {
      throw new NotAnEnvelopeException(
          "body is not readable: " + unreadable.getMessage(), unreadable);
    }
    if (root == null || root.isMissingNode()) {
      throw new NotAnEnvelopeException("body is empty");
    }
    return decode(root);
  }

  /**
   * Decodes an already parsed body.
   *
   * @throws NotAnEnvelopeException if the JSON is not a recognisable envelope
   */
  public Decoded decode(JsonNode root) {
    if (!root.isObject()) {
      throw new NotAnEnvelopeException("body is a JSON " + Json.kind(root) + ", not an object");
    }
    if (root.has("entry") || root.has("object")) {
      return meta(root);
    }
    if (root.has("event")) {
      return partner(root);
    }
    throw new NotAnEnvelopeException(
        "no 'entry' (Meta envelope) and no 'event' (360dialog envelope) at the top level");
  }

  private static Decoded meta(JsonNode root) {
    String object = Json.text(root, "object");
    if (root.has("object") && !META_OBJECT.equals(object)) {
      throw new NotAnEnvelopeException(
          "'object' is '" + root.get("object").asText() + "', not '" + META_OBJECT + "'");
    }
    JsonNode entries = root.get("entry");
    if (entries == null || !entries.isArray()) {
      throw new NotAnEnvelopeException("Meta envelope without an 'entry' array");
    }
    Collector out = new Collector();
    out.forEachItem(root, "entry", "", (entry, at) -> entry(entry, at, out));
    return out.result(Envelope.META);
  }

  /** Every change of the entry, each in isolation. */
  private static void entry(JsonNode entry, String location, Collector out) {
    Json.requireObject(entry, "entry");
    String wabaId = Json.text(entry, "id");
    JsonNode changes = entry.get("changes");
    if (changes == null || !changes.isArray()) {
      throw new BadItemException("entry without a 'changes' array");
    }
    out.forEachItem(entry, "changes", location, (change, at) -> change(change, at, wabaId, out));
  }

  private static void change(JsonNode change, String location, String wabaId, Collector out) {
    Json.requireObject(change, "change");
    String field = Json.text(change, "field");
    if (field == null) {
      throw new BadItemException("change without field");
    }
    JsonNode value = change.get("value");
    if (value == null || !value.isObject()) {
      throw new BadItemException("change '" + field + "' without a value object");
    }
    Origin origin =
        ChangeDecoder.origin(Envelope.META, null, wabaId, field, value, location + "/value");
    ChangeDecoder.decode(origin, value, out);
  }

  private static Decoded partner(JsonNode root) {
    JsonNode eventNode = root.get("event");
    if (!eventNode.isTextual() || eventNode.textValue().isBlank()) {
      throw new NotAnEnvelopeException("360dialog envelope whose 'event' is not a name");
    }
    String event = eventNode.textValue();
    String deliveryId = Json.text(root, "id");
    Collector out = new Collector();
    if (!ChangeDecoder.knowsField(event)) {
      // Channel/client/template events: kept whole, their wrapper is only partly documented.
      out.add(
          new PartnerEvent(
              new Origin(Envelope.PARTNER, deliveryId, null, null, null, event, ""), event, root));
      return out.result(Envelope.PARTNER);
    }
    JsonNode data = root.get("data");
    if (data == null || !data.isObject()) {
      out.problem("/data", "event '" + event + "' without a data object", root);
      return out.result(Envelope.PARTNER);
    }
    // data is Meta's value plus id = WABA id (Meta's entry.id).
    Origin origin =
        ChangeDecoder.origin(
            Envelope.PARTNER, deliveryId, Json.text(data, "id"), event, data, "/data");
    try {
      ChangeDecoder.decode(origin, data, out);
    } catch (RuntimeException unexpected) {
      out.problem("/data", "unexpected failure: " + unexpected, data);
    }
    return out.result(Envelope.PARTNER);
  }
}
