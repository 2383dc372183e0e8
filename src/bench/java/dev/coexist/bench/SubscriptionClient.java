package dev.coexist.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/subscriptions} of a Coexist under test: create, pause, resume, read figures. */
final class SubscriptionClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/api/v1/subscriptions";

  /**
   * A subscription's counters as the API shows them.
   *
   * @param lagSeconds age of the oldest undelivered change
   */
  record Figures(
      long delivered, long failedAttempts, long deadLetters, double lagSeconds, String state) {}

  private final String baseUrl;
  private final String apiKey;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  SubscriptionClient(final String baseUrl, final String apiKey) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
  }

  /** Creates a subscription to {@code types} delivering to {@code url}; its id. */
  String create(final String url, final String secret, final List<String> types)
      throws IOException, InterruptedException {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", url);
    body.put("description", "coexist bench forward");
    body.put("types", types);
    body.put("secret", secret);
    final JsonNode created = send("POST", PATH, body, 201);
    return created.path("id").asText();
  }

  /** {@code active} (resume) or {@code paused}. */
  void state(final String id, final String state) throws IOException, InterruptedException {
    send("PATCH", PATH + "/" + id, Map.of("state", state), 200);
  }

  Figures figures(final String id) throws IOException, InterruptedException {
    final JsonNode shown = send("GET", PATH + "/" + id, null, 200);
    return new Figures(
        shown.path("delivered").asLong(),
        shown.path("failed_attempts").asLong(),
        shown.path("dead_letters").asLong(),
        shown.path("lag_seconds").asDouble(),
        shown.path("state").asText());
  }

  private JsonNode send(
      final String method, final String path, final Object body, final int expected)
      throws IOException, InterruptedException {
    final HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    final HttpResponse<String> response =
        client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IOException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    client.close();
  }
}
