package dev.coexist.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * openapi.yaml as a JSON Schema document: a real response is valid when it matches the schema the
 * contract declares for its path, method and status.
 */
public final class OpenApiContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode document;

  private OpenApiContract(final JsonNode document) {
    this.document = document;
  }

  static OpenApiContract load(final String yaml) throws IOException {
    return new OpenApiContract(new ObjectMapper(new YAMLFactory()).readTree(yaml));
  }

  public static OpenApiContract fromClasspath() throws IOException {
    try (InputStream in = OpenApiContract.class.getResourceAsStream("/openapi.yaml")) {
      return load(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  JsonNode document() {
    return document;
  }

  /** The schema violations of {@code body} against the contract; empty when it conforms. */
  public List<String> violations(
      final String path, final String method, final int status, final String body)
      throws IOException {
    final String operation = "/paths/" + escape(path) + "/" + method + "/responses/" + status;
    JsonNode response = document.at(operation);
    String responsePointer = operation;
    if (response.isMissingNode()) {
      return List.of("the contract declares no " + status + " for " + method + " " + path);
    }
    if (response.has("$ref")) {
      responsePointer = response.get("$ref").asText().substring(1);
      response = document.at(responsePointer);
    }
    if (response.at("/content/application~1json/schema").isMissingNode()) {
      return List.of(
          "the contract declares no JSON body for " + status + " of " + method + " " + path);
    }
    return validate(responsePointer + "/content/application~1json/schema", body);
  }

  private List<String> validate(final String pointer, final String body) throws IOException {
    final ObjectNode root = document.deepCopy();
    // the whole document is the schema root, so that #/components/... references resolve; its
    // other members (openapi, info, paths) are keywords JSON Schema ignores
    // a URI fragment: the braces of path templates must be percent-encoded there
    root.put("$ref", "#" + pointer.replace("{", "%7B").replace("}", "%7D"));
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    final JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
    final Set<ValidationMessage> messages = schema.validate(JSON.readTree(body));
    return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  private static String escape(final String path) {
    return path.replace("~", "~0").replace("/", "~1");
  }
}
