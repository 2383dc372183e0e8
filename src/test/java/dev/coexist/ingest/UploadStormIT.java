package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coexist as a separate process with a small heap, under a storm of large uploads that are not
 * validly signed, while genuine small deliveries keep coming: the process lives, no
 * OutOfMemoryError, every upload is answered 401 or 503, and every delivery answered 200 is applied
 * (the processor thread survived).
 */
class UploadStormIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP_SECRET = "storm-secret";
  private static final String API_KEY = "storm-api-key";
  private static final int UPLOADS = 100;

  /** What is left to send of an upload once the others are mostly sent too. */
  private static final int UPLOAD_TAIL_BYTES = 1_000;

  // not 4 MiB: six of them leave room in the 24 MiB budget for small deliveries
  private static final int UPLOAD_BYTES = 4_000_000;

  @TempDir Path dataDir;

  @Test
  void largeUnauthenticatedUploadsCannotExhaustTheHeap() throws Exception {
    final int port = freePort();
    final Path log = dataDir.resolve("server.log");
    final Process server = start(port, log);
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      awaitReady(client, port, server);
      final URI webhook = URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp");

      // one body for every upload: the test's own heap stays small too
      final byte[] upload = new byte[UPLOAD_BYTES];
      Arrays.fill(upload, (byte) '{');
      final String forged =
          Signatures.metaHeader("not-the-secret".getBytes(StandardCharsets.UTF_8), upload);

      final Map<Integer, String> uploadOutcomes = new ConcurrentHashMap<>();
      final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
      final List<Integer> smallStatuses = java.util.Collections.synchronizedList(new ArrayList<>());
      final AtomicBoolean storming = new AtomicBoolean(true);
      final Instant began = Instant.now();
      final ExecutorService uploaders = Executors.newFixedThreadPool(UPLOADS);
      final ExecutorService deliverer = Executors.newSingleThreadExecutor();
      try {
        final Future<?> genuine =
            deliverer.submit(
                () -> {
                  int number = 0;
                  while (storming.get() || number < 10) {
                    final byte[] body = echo("wamid.STORM" + number++);
                    try {
                      final HttpResponse<String> response =
                          client.send(
                              HttpRequest.newBuilder(webhook)
                                  .timeout(Duration.ofSeconds(20))
                                  .header(
                                      "X-Hub-Signature-256",
                                      Signatures.metaHeader(
                                          APP_SECRET.getBytes(StandardCharsets.UTF_8), body))
                                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      smallStatuses.add(response.statusCode());
                      if (response.statusCode() == 200) {
                        acknowledged.add(JSON.readTree(response.body()).get("id").asLong());
                      }
                    } catch (IOException broken) {
                      smallStatuses.add(-1);
                    }
                    Thread.sleep(20);
                  }
                  return null;
                });
        final List<Future<?>> storm = new ArrayList<>();
        // every upload sends all but its last bytes, then waits for the others: the server holds
        // (or refuses) a hundred bodies at once, not one after another
        final CountDownLatch allMostlySent = new CountDownLatch(UPLOADS);
        for (int index = 0; index < UPLOADS; index++) {
          final int number = index;
          // half carry no credentials, half a well-formed signature of the wrong secret, which
          // only the body can disprove: those need memory
          final String credentials =
              number % 2 == 1 ? "X-Hub-Signature-256: " + forged + "\r\n" : "";
          storm.add(
              uploaders.submit(
                  () -> {
                    uploadOutcomes.put(number, upload(port, credentials, upload, allMostlySent));
                    return null;
                  }));
        }
        // bounded: an upload still unanswered by then is recorded as such, and fails below
        final Instant stormDeadline = Instant.now().plus(Duration.ofSeconds(25));
        for (final Future<?> uploader : storm) {
          awaitUntil(uploader, stormDeadline);
        }
        storming.set(false);
        awaitUntil(genuine, Instant.now().plus(Duration.ofSeconds(10)));
      } finally {
        storming.set(false);
        uploaders.shutdownNow();
        deliverer.shutdownNow();
      }
      final Duration took = Duration.between(began, Instant.now());

      assertThat(Files.readAllLines(log).stream().filter(line -> line.contains("OutOfMemoryError")))
          .as("OutOfMemoryError in Coexist's output")
          .isEmpty();
      assertThat(server.isAlive()).as("Coexist still running").isTrue();
      for (int index = 0; index < UPLOADS; index++) {
        uploadOutcomes.putIfAbsent(index, "no answer within the test's deadline");
      }
      // Refused bodies are read into nothing only up to 64 KB: a bigger one is cut and its
      // connection closed after the answer, which a client still sending may see as the
      // connection closed (reset, broken pipe) rather than the answer. Never a hang, never 200.
      assertThat(uploadOutcomes.values())
          .as("every upload refused: answered 401 or 503, or its connection closed by the server")
          .allMatch(outcome -> Set.of("401", "503").contains(outcome) || closedByServer(outcome));
      // the unsigned ones are refused on their headers; the forged ones met the budget
      for (int index = 0; index < UPLOADS; index += 2) {
        assertThat(uploadOutcomes.get(index))
            .as("upload %d, unsigned", index)
            .matches(outcome -> "401".equals(outcome) || closedByServer(outcome));
      }
      assertThat(uploadOutcomes.values())
          .as("the budget or the signature refused the forged ones")
          .anyMatch(outcome -> "503".equals(outcome) || "401".equals(outcome));

      assertThat(acknowledged).as("genuine deliveries acknowledged").isNotEmpty();
      assertThat(smallStatuses)
          .as("genuine deliveries answered")
          .allMatch(Set.of(200, 503)::contains);
      awaitApplied(client, port, acknowledged);

      System.out.printf(
          "upload storm: %d uploads of %d bytes in %d ms: %d answered 401, %d answered 503; %d of"
              + " %d genuine deliveries acknowledged, all applied%n",
          UPLOADS,
          UPLOAD_BYTES,
          took.toMillis(),
          uploadOutcomes.values().stream().filter("401"::equals).count(),
          uploadOutcomes.values().stream().filter("503"::equals).count(),
          acknowledged.size(),
          smallStatuses.size());
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        server.waitFor();
      }
    }
  }

  /**
   * One upload over a plain socket: headers, all but the last bytes, a wait for the other uploads,
   * the rest; then the status code of the answer, or what broke instead.
   */
  private static String upload(
      final int port, final String credentials, final byte[] body, final CountDownLatch others) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(25_000);
      final OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + credentials
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(body, 0, body.length - UPLOAD_TAIL_BYTES);
        out.flush();
      } finally {
        others.countDown();
      }
      others.await(15, TimeUnit.SECONDS);
      out.write(body, body.length - UPLOAD_TAIL_BYTES, UPLOAD_TAIL_BYTES);
      out.flush();
      final String statusLine =
          new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return statusLine.startsWith("HTTP/1.1 ")
          ? statusLine.substring(9)
          : "no answer: " + statusLine;
    } catch (IOException broken) {
      return broken.toString();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** What a client sees of a connection the server closed while it still sent. */
  private static boolean closedByServer(final String outcome) {
    return outcome.contains("Connection reset")
        || outcome.contains("Broken pipe")
        || outcome.startsWith("no answer: ")
        || outcome.contains("Socket closed");
  }

  private Process start(final int port, final Path log) throws IOException {
    final String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            // small enough that the uploads of this test, buffered without a budget, would not fit
            "-Xmx96m",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.coexist.cli.Main",
            "serve",
            "--port",
            String.valueOf(port),
            "--data-dir",
            dataDir.toString(),
            "--app-secret",
            APP_SECRET,
            "--api-key",
            API_KEY,
            "--max-body",
            "5MB",
            "--ingest-memory",
            "24MB")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static void awaitUntil(final Future<?> task, final Instant deadline) throws Exception {
    try {
      task.get(
          Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException late) {
      task.cancel(true);
    }
  }

  /** Waits until every acknowledged journal entry is applied, via the read API. */
  private static void awaitApplied(final HttpClient client, final int port, final Set<Long> ids)
      throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    Set<Long> applied = Set.of();
    while (Instant.now().isBefore(deadline)) {
      applied = applied(client, port);
      if (applied.containsAll(ids)) {
        return;
      }
      Thread.sleep(100);
    }
    final Set<Long> missing = new HashSet<>(ids);
    missing.removeAll(applied);
    throw new AssertionError("acknowledged but not applied: journal entries " + missing);
  }

  private static Set<Long> applied(final HttpClient client, final int port) throws Exception {
    final Set<Long> ids = new HashSet<>();
    String cursor = null;
    do {
      final HttpResponse<String> page =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + port
                              + "/api/v1/journal?state=applied&limit=500"
                              + (cursor == null ? "" : "&cursor=" + cursor)))
                  .header("Authorization", "Bearer " + API_KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      final JsonNode json = JSON.readTree(page.body());
      json.get("entries").forEach(entry -> ids.add(entry.get("id").asLong()));
      cursor = json.get("next_cursor").isNull() ? null : json.get("next_cursor").asText();
    } while (cursor != null);
    return ids;
  }

  private static byte[] echo(final String wamid) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
            + "\"changes\":[{\"field\":\"smb_message_echoes\",\"value\":{\"messaging_product\":"
            + "\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550001111\","
            + "\"phone_number_id\":\"106540352242922\"},\"message_echoes\":[{\"from\":"
            + "\"15550001111\",\"to\":\"16505551234\",\"id\":\""
            + wamid
            + "\",\"timestamp\":\"1700255121\",\"type\":\"text\",\"text\":{\"body\":\"Olá 👋\"}}]}}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void awaitReady(final HttpClient client, final int port, final Process server)
      throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      assertThat(server.isAlive()).as("server process alive").isTrue();
      try {
        final HttpResponse<Void> ready =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server did not become ready on port " + port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
