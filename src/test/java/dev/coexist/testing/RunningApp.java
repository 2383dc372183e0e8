package dev.coexist.testing;

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
 * Coexist started the way {@code coexist serve} starts it, on a free loopback port with a real
 * SQLite file in a temporary folder, plus an HTTP client pointed at it.
 */
public final class RunningApp implements AutoCloseable {
  private final App app;
  private final Path dataDir;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private RunningApp(final App app, final Path dataDir) {
    this.app = app;
    this.dataDir = dataDir;
  }

  /** Starts Coexist with the given settings on top of: port 0, the data dir, loopback. */
  public static RunningApp start(final Path dataDir, final Map<ConfigKey, String> settings) {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    raw.put(ConfigKey.PORT, List.of("0"));
    raw.put(ConfigKey.DATA_DIR, List.of(dataDir.toString()));
    settings.forEach((key, value) -> raw.put(key, List.of(value)));
    return new RunningApp(App.start(Config.parse(raw)), dataDir);
  }

  public App app() {
    return app;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** SQLite's store file. */
  public Path databaseFile() {
    return dataDir.resolve("coexist.db");
  }

  /** SQLite's journal file, next to the store's. */
  public Path journalFile() {
    return dataDir.resolve("coexist.journal.db");
  }

  public URI uri(final String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  public HttpResponse<String> post(final String path, final byte[] body, final String... headers)
      throws IOException, InterruptedException {
    final HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(final String path, final String... headers)
      throws IOException, InterruptedException {
    final HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpClient client() {
    return client;
  }

  @Override
  public void close() {
    app.close();
    client.close();
  }
}
