package dev.coexist.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Listens to {@code GET /api/v1/events} and tells when a message was applied, so a benchmark can
 * wait for a message without polling the API a thousand times a second (which would load the very
 * machine it measures).
 */
final class FeedWatcher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final CompletableFuture<?> stream;
  private final URI events;
  private final String apiKey;
  private volatile String lastEventId;
  private volatile boolean closed;

  FeedWatcher(final URI events, final String apiKey) throws IOException, InterruptedException {
    this.events = events;
    this.apiKey = apiKey;
    // the first connection is made here, so that a wrong key or URL fails the run at once
    final HttpResponse<Stream<String>> first = connect();
    stream = CompletableFuture.runAsync(() -> follow(first));
  }

  private HttpResponse<Stream<String>> connect() throws IOException, InterruptedException {
    final HttpRequest.Builder request =
        HttpRequest.newBuilder(events)
            .header("Authorization", "Bearer " + apiKey)
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    final HttpResponse<Stream<String>> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + events + " answered " + response.statusCode());
    }
    return response;
  }

  /**
   * Reads events until closed; a feed that drops this subscriber (its queue overflowed during a
   * burst) is joined again from the last event seen, as any client of the feed does.
   */
  private void follow(final HttpResponse<Stream<String>> first) {
    HttpResponse<Stream<String>> response = first;
    while (!closed) {
      final String[] event = {""};
      try (Stream<String> lines = response.body()) {
        lines.forEach(
            line -> {
              if (line.startsWith("id:")) {
                lastEventId = line.substring("id:".length()).trim();
              } else if (line.startsWith("event:")) {
                event[0] = line.substring("event:".length()).trim();
              } else if (line.startsWith("data:") && "message.created".equals(event[0])) {
                applied(line.substring("data:".length()).trim());
              }
            });
      } catch (RuntimeException dropped) {
        // the connection ended; join again below
      }
      try {
        response = closed ? null : connect();
      } catch (IOException | InterruptedException cannotReconnect) {
        return;
      }
    }
  }

  /** Call before the message is sent; completes when the feed says it was applied. */
  CompletableFuture<Void> await(final String wamid) {
    return awaited.computeIfAbsent(wamid, key -> new CompletableFuture<>());
  }

  private void applied(final String data) {
    try {
      final JsonNode change = JSON.readTree(data);
      // the change event: {"type", "timestamp", "data": {"wamid", ...}}
      final String wamid = change.path("data").path("wamid").asText(null);
      if (wamid != null) {
        final CompletableFuture<Void> waiting = awaited.remove(wamid);
        if (waiting != null) {
          waiting.complete(null);
        }
      }
    } catch (IOException unreadable) {
      // not an event of ours
    }
  }

  static Duration timeout() {
    return Duration.ofSeconds(60);
  }

  @Override
  public void close() {
    closed = true;
    stream.cancel(true);
    client.shutdownNow();
  }
}
