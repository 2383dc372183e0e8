package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.testing.CoexistProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coexist as a child process killed with SIGKILL while it delivers outbound webhooks to a slow
 * receiver, then started again: every event reaches the receiver, the ones in flight at the kill
 * perhaps twice with the same {@code webhook-id}, and each thread's events first arrive in order.
 */
class ForwardCrashIT {
  private static final String KEY = "forward-crash-key";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MESSAGES = 60;
  private static final int CUSTOMERS = 6;

  @TempDir Path folder;

  private static CoexistProcess start(final Path folder, final String run, final int port)
      throws Exception {
    return CoexistProcess.start(
        folder.resolve(run),
        0,
        "--data-dir",
        folder.resolve("data").toString(),
        "--port",
        Integer.toString(port),
        "--api-key",
        KEY,
        "--allow-private-targets");
  }

  private static byte[] live(final int n) {
    final int customer = n % CUSTOMERS;
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Customer"},"wa_id":"1650555%04d"}],
        "messages":[{"from":"1650555%04d","id":"wamid.crash.%d","timestamp":"17400%05d",
        "type":"text","text":{"body":"hello %d"}}]}}]}]}"""
        .formatted(customer, customer, n, n, n)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void await(final String what, final Duration within, final BooleanSupplier done)
      throws InterruptedException {
    final long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Each arrival as webhook-id/thread, in order: what a failure needs to be understood. */
  private static String arrivals(final List<TestReceiver.Received> received) throws Exception {
    final List<String> arrivals = new ArrayList<>();
    for (final TestReceiver.Received request : received) {
      arrivals.add(
          request.id()
              + "/"
              + JSON.readTree(request.body()).path("data").path("thread_id").asInt());
    }
    return String.join(" ", arrivals);
  }

  @Test
  void aKillNineMidDeliveryLosesNothingAndRepeatsOnlyWhatWasInFlight() throws Exception {
    try (TestReceiver receiver = new TestReceiver();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      // slow, so that deliveries are under way when the process dies
      receiver.answer(
          request -> {
            try {
              Thread.sleep(150);
            } catch (InterruptedException stopping) {
              Thread.currentThread().interrupt();
            }
            return TestReceiver.Answer.of(200);
          });
      final int port = CoexistProcess.freePort();
      final String secret;
      try (CoexistProcess first = start(folder, "first", port)) {
        first.awaitReady(port);
        final HttpResponse<String> created =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/subscriptions"))
                    .header("Authorization", "Bearer " + KEY)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"url\":\"" + receiver.url() + "\",\"types\":[\"message.created\"]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        secret = JSON.readTree(created.body()).path("secret").asText();
        for (int n = 0; n < MESSAGES; n++) {
          final HttpResponse<String> ack =
              client.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp"))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(live(n)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(ack.statusCode()).isEqualTo(200);
        }
        await(
            "deliveries under way", Duration.ofSeconds(20), () -> receiver.received().size() >= 10);
        first.kill();
      }
      final int killedAt = receiver.received().size();
      assertThat(killedAt).as("killed mid-delivery").isLessThan(MESSAGES);

      final int again = CoexistProcess.freePort();
      final String warnings;
      try (CoexistProcess second = start(folder, "second", again)) {
        second.awaitReady(again);
        await(
            "every event delivered after the restart",
            Duration.ofSeconds(60),
            () -> distinctIds(receiver).size() == MESSAGES);
        warnings =
            second
                .stdoutText()
                .lines()
                .filter(line -> line.contains("WARN") || line.contains("ERROR"))
                .collect(Collectors.joining("\n"));
      }

      final List<TestReceiver.Received> received = receiver.received();
      final Map<String, String> wamidOfId = new HashMap<>();
      final Map<Integer, Long> lastFirstOfThread = new LinkedHashMap<>();
      final Set<String> firsts = new TreeSet<>();
      for (final TestReceiver.Received request : received) {
        assertThat(TestReceiver.signedWith(request, secret)).isTrue();
        final JsonNode data = JSON.readTree(request.body()).path("data");
        final String earlier = wamidOfId.putIfAbsent(request.id(), data.path("wamid").asText());
        assertThat(earlier == null || earlier.equals(data.path("wamid").asText()))
            .as("a webhook-id always names the same change")
            .isTrue();
        if (firsts.add(request.id())) {
          final int thread = data.path("thread_id").asInt();
          final long id = Long.parseLong(request.id());
          assertThat(id)
              .as("thread %d in order", thread)
              .isGreaterThan(lastFirstOfThread.getOrDefault(thread, 0L));
          lastFirstOfThread.put(thread, id);
        }
      }
      assertThat(new TreeSet<>(wamidOfId.values())).hasSize(MESSAGES);
      final int repeated = received.size() - MESSAGES;
      // at most what was in flight at the kill: one per thread
      assertThat(repeated)
          .as(
              "repeats (received before the kill: %d; arrivals by webhook-id and thread: %s;"
                  + " warnings after the restart: %s)",
              killedAt, arrivals(received), warnings)
          .isBetween(0, CUSTOMERS);
      System.out.printf(
          "forward crash test: %d events, %d received before the kill, %d repeated after it%n",
          MESSAGES, killedAt, repeated);
    }
  }

  private static Set<String> distinctIds(final TestReceiver receiver) {
    final Set<String> ids = new TreeSet<>();
    for (final TestReceiver.Received request : receiver.received()) {
      ids.add(request.id());
    }
    return ids;
  }
}
