package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The inbox's files over HTTP from the real app: types, security headers, nothing else served. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxRoutesIT {
  @TempDir static Path temp;
  private RunningApp app;

  @BeforeAll
  void start() {
    app = RunningApp.start(temp, Map.of(ConfigKey.API_KEY, "test-key"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  private static void assertSecured(final HttpResponse<String> response) {
    assertThat(response.headers().firstValue("content-security-policy"))
        .contains(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                + " connect-src 'self'; object-src 'none'; base-uri 'none';"
                + " frame-ancestors 'none'; form-action 'self'");
    assertThat(response.headers().firstValue("x-content-type-options")).contains("nosniff");
  }

  @Test
  void servesThePageAndItsModulesWithTheirTypesAndTheSecurityHeaders() throws Exception {
    final HttpResponse<String> page = app.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/inbox/main.js\">");
    assertSecured(page);

    for (final String module :
        new String[] {
          "main.js",
          "api.js",
          "sse.js",
          "dom.js",
          "format.js",
          "numbers.js",
          "lists.js",
          "paged-list.js",
          "conversation.js",
          "message-bubble.js",
          "days.js",
          "timeline.js",
          "journal.js",
          "journal-entry.js",
          "bytes.js",
          "pretty-json.js",
          "curl.js",
          "subscriptions.js"
        }) {
      final HttpResponse<String> script = app.get("/inbox/" + module);
      assertThat(script.statusCode()).as(module).isEqualTo(200);
      assertThat(script.headers().firstValue("content-type"))
          .contains("text/javascript; charset=utf-8");
      assertSecured(script);
      // the page builds its DOM from text only
      assertThat(script.body()).as(module).doesNotContain(".innerHTML =", "insertAdjacentHTML");
    }
    final HttpResponse<String> style = app.get("/inbox/inbox.css");
    assertThat(style.headers().firstValue("content-type")).contains("text/css; charset=utf-8");
  }

  @Test
  void answersUnchangedFilesWith304() throws Exception {
    final String etag = app.get("/inbox/main.js").headers().firstValue("etag").orElseThrow();
    final HttpResponse<String> again = app.get("/inbox/main.js", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void servesNothingButItsOwnFiles() throws Exception {
    for (final String path : new String[] {"/inbox/nope.js", "/inbox/index.HTML", "/inbox/.x.js"}) {
      final HttpResponse<String> refused = app.get(path);
      assertThat(refused.statusCode()).as(path).isEqualTo(404);
      assertSecured(refused);
    }
    // encoded traversal reaches no other resource, whichever route ends up answering
    for (final String path :
        new String[] {"/inbox/..%2Fopenapi.yaml", "/inbox/%2E%2E%2Flogback.xml", "/inbox/a/b.js"}) {
      final HttpResponse<String> refused = app.get(path);
      assertThat(refused.statusCode()).as(path).isEqualTo(404);
      assertThat(refused.body()).as(path).doesNotContain("openapi:", "<configuration");
    }
  }
}
