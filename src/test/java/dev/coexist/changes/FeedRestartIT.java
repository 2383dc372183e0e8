package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coexist as {@code coexist serve} runs it, stopped and started again on the same data dir: a
 * client's {@code Last-Event-ID} from before the restart resumes after it, with exactly the changes
 * it missed, the ones applied while it was away included.
 */
class FeedRestartIT {
  private static final String KEY = "restart-key";

  @TempDir Path dataDir;

  private static byte[] live(final int n) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Pablo"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"wamid.restart.%d","timestamp":"17400000%02d",
        "type":"text","text":{"body":"hello %d"}}]}}]}]}"""
        .formatted(n, n, n)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The SSE lines of {@code GET /api/v1/events} until {@code wanted} events of the type came. */
  private static List<String> events(
      final RunningApp app, final String lastEventId, final String type, final int wanted)
      throws Exception {
    final HttpRequest.Builder request =
        HttpRequest.newBuilder(app.uri("/api/v1/events")).header("Authorization", "Bearer " + KEY);
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    final HttpResponse<InputStream> response =
        app.client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    final List<String> lines = new ArrayList<>();
    final CompletableFuture<Void> reading =
        CompletableFuture.runAsync(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                int seen = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  lines.add(line);
                  if (line.equals("event: " + type) && ++seen == wanted) {
                    lines.add(reader.readLine()); // its data line
                    return;
                  }
                }
              } catch (IOException gone) {
                throw new UncheckedIOException(gone);
              }
            });
    try {
      reading.get(10, TimeUnit.SECONDS);
    } finally {
      response.body().close();
    }
    return lines;
  }

  /** The id of the event whose data names {@code wamid}. */
  private static String idOf(final List<String> lines, final String wamid) {
    String id = null;
    for (final String line : lines) {
      if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("data: ") && line.contains("\"" + wamid + "\"")) {
        return id;
      }
    }
    throw new AssertionError("no event for " + wamid + " in " + lines);
  }

  @Test
  void aLastEventIdFromBeforeARestartResumesWithExactlyWhatWasMissed() throws Exception {
    final Map<ConfigKey, String> settings = Map.of(ConfigKey.API_KEY, KEY);
    final String lastId;
    try (RunningApp first = RunningApp.start(dataDir, settings)) {
      for (int n = 0; n < 3; n++) {
        assertThat(first.post("/webhooks/whatsapp", live(n)).statusCode()).isEqualTo(200);
      }
      // the client saw the first two messages, then went away
      lastId = idOf(events(first, "0", "message.created", 3), "wamid.restart.1");
    }
    try (RunningApp again = RunningApp.start(dataDir, settings)) {
      for (int n = 3; n < 5; n++) {
        assertThat(again.post("/webhooks/whatsapp", live(n)).statusCode()).isEqualTo(200);
      }
      final List<String> lines = events(again, lastId, "message.created", 3);
      assertThat(lines).noneMatch(line -> line.equals("event: reset"));
      assertThat(
              lines.stream()
                  .filter(line -> line.startsWith("data: ") && line.contains("message.created"))
                  .map(line -> line.replaceAll(".*\"wamid\":\"(wamid\\.restart\\.\\d)\".*", "$1"))
                  .toList())
          .containsExactly("wamid.restart.2", "wamid.restart.3", "wamid.restart.4");
    }
  }
}
