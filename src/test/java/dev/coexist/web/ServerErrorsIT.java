package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.testing.RunningApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The errors the server sends by itself are JSON {"error", "reason"}, like every other error. */
class ServerErrorsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static RunningApp coexist;

  @BeforeAll
  static void start() {
    coexist = RunningApp.start(dataDir, Map.of());
  }

  @AfterAll
  static void stop() {
    coexist.close();
  }

  @Test
  void anUnknownPathIs404Json() throws Exception {
    final HttpResponse<String> get = coexist.get("/no/such/path");
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(get.headers().firstValue("Content-Type")).hasValue("application/json");
    assertError(get.body(), "not_found");

    final HttpResponse<String> post = coexist.post("/webhooks/nowhere", new byte[] {'{', '}'});
    assertThat(post.statusCode()).isEqualTo(404);
    assertError(post.body(), "not_found");
  }

  @Test
  void aMalformedRequestLineIs400Json() throws Exception {
    final String answer = RawHttp.exchange(coexist.app().port(), "GARBAGE\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/json");
    assertError(RawHttp.body(answer), "bad_request");
  }

  @Test
  void anUnsupportedHttpVersionIs505Json() throws Exception {
    final String answer =
        RawHttp.exchange(coexist.app().port(), "GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 505 ").contains("Content-Type: application/json");
    assertError(RawHttp.body(answer), "http_version_not_supported");
  }

  @Test
  void aRequestLineTooLongIs414Json() throws Exception {
    final String answer =
        RawHttp.exchange(
            coexist.app().port(), "GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 414 ").contains("Content-Type: application/json");
    assertError(RawHttp.body(answer), "request_uri_too_long");
  }

  @Test
  void headersTooLargeAre400Json() throws Exception {
    final String answer =
        RawHttp.exchange(
            coexist.app().port(),
            "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    // Helidon 4.5 calls headers over its 16 KB limit a bad request, not 431
    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/json");
    assertError(RawHttp.body(answer), "bad_request");
  }

  private static void assertError(final String body, final String error) throws Exception {
    final JsonNode json = JSON.readTree(body);
    assertThat(json.path("error").asText()).isEqualTo(error);
    assertThat(json.path("reason").asText()).isNotBlank();
  }
}
