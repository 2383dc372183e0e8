package dev.coexist.changes;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on a real loopback port: records every request and answers what the test
 * decides; verifies Standard Webhooks signatures as a receiver would (its own code, not Coexist's).
 */
final class TestReceiver implements AutoCloseable {
  /** One request as received. */
  record Received(String id, String timestamp, String signature, String body) {}

  /** What to answer: a status and an optional Retry-After. */
  record Answer(int status, String retryAfter) {
    static Answer of(final int status) {
      return new Answer(status, null);
    }
  }

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private volatile Function<Received, Answer> answers = request -> Answer.of(200);

  TestReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/hook",
        exchange -> {
          final String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          final Received request =
              new Received(
                  exchange.getRequestHeaders().getFirst("webhook-id"),
                  exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                  exchange.getRequestHeaders().getFirst("webhook-signature"),
                  body);
          synchronized (received) {
            received.add(request);
          }
          final Answer answer = answers.apply(request);
          if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
          }
          exchange.sendResponseHeaders(answer.status(), -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  void answer(final Function<Received, Answer> decide) {
    answers = decide;
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Whether one of the request's signatures is valid for {@code secret}, as a receiver checks. */
  static boolean signedWith(final Received request, final String secret) throws Exception {
    final Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    final byte[] expected =
        mac.doFinal(
            (request.id() + "." + request.timestamp() + "." + request.body())
                .getBytes(StandardCharsets.UTF_8));
    final List<String> signatures = new ArrayList<>();
    for (final String part : request.signature().split(" ")) {
      if (part.startsWith("v1,")) {
        signatures.add(part.substring(3));
      }
    }
    for (final String signature : signatures) {
      if (MessageDigest.isEqual(Base64.getDecoder().decode(signature), expected)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
