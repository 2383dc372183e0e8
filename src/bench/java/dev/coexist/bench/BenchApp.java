package dev.coexist.bench;

import dev.coexist.App;
import dev.coexist.config.Config;
import dev.coexist.config.ConfigKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Coexist wired by {@link App}, exactly as {@code coexist serve} wires it, on a free loopback port,
 * and a keep-alive HTTP client for it: what a store benchmark measures through real HTTP.
 */
final class BenchApp implements AutoCloseable {
  static final String API_KEY = "bench-store-api-key";

  private final App app;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private BenchApp(final App app) {
    this.app = app;
  }

  /**
   * @param databaseUrl empty for SQLite in {@code dataDir}
   */
  static BenchApp start(final Path dataDir, final String databaseUrl) {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    raw.put(ConfigKey.PORT, List.of("0"));
    raw.put(ConfigKey.DATA_DIR, List.of(dataDir.toString()));
    raw.put(ConfigKey.DATABASE, List.of(databaseUrl));
    raw.put(ConfigKey.API_KEY, List.of(API_KEY));
    return new BenchApp(App.start(Config.parse(raw)));
  }

  App app() {
    return app;
  }

  int post(final String path, final byte[] body) throws IOException, InterruptedException {
    final HttpRequest request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  HttpResponse<String> get(final String path) throws IOException, InterruptedException {
    final HttpRequest request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + API_KEY)
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  URI uri(final String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  @Override
  public void close() {
    client.close();
    app.close();
  }
}
