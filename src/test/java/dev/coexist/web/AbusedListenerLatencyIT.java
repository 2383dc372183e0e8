package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.ingest.Signatures;
import dev.coexist.testing.RunningApp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed deliveries over kept-alive connections are answered promptly while the listener holds
 * hundreds of slowloris connections (headers trickled in a byte a second), connections that send
 * nothing, and unsigned uploads sent again as soon as they are refused: nothing in the front door
 * (accept loop, connection count, timeout sweep) or in Helidon makes a valid request wait for those
 * connections' timeouts. The header timeout here is 30 s, so a delivery that waited behind the
 * slowloris connections would take that long; the bound asserted is a few seconds, which a loaded
 * machine still meets.
 */
class AbusedListenerLatencyIT {
  private static final String APP_SECRET = "abuse-secret";
  private static final int SLOWLORIS = 400;
  private static final int STALLED = 50;
  private static final int UPLOADERS = 8;
  private static final int UPLOAD_BYTES = 2_000_000;
  private static final int SENDERS = 4;
  private static final int DELIVERIES_PER_SENDER = 50;

  /** Far below the 30 s header timeout the slowloris connections are held to. */
  private static final Duration PROMPT = Duration.ofSeconds(5);

  @TempDir Path dataDir;

  @Test
  void signedDeliveriesAreAnsweredPromptlyWhileAbusersHoldTheListener() throws Exception {
    try (RunningApp coexist =
        RunningApp.start(
            dataDir,
            Map.of(
                ConfigKey.APP_SECRET, APP_SECRET,
                ConfigKey.HEADER_TIMEOUT, "30s",
                ConfigKey.REQUEST_LINE_TIMEOUT, "30s",
                ConfigKey.IDLE_TIMEOUT, "30s",
                ConfigKey.MAX_CONNECTIONS, "2000"))) {
      final int port = coexist.app().port();
      final List<Socket> held = new ArrayList<>();
      final AtomicBoolean abusing = new AtomicBoolean(true);
      final List<Thread> abusers = new ArrayList<>();
      try {
        for (int index = 0; index < SLOWLORIS; index++) {
          final Socket slow = new Socket("127.0.0.1", port);
          held.add(slow);
          slow.getOutputStream()
              .write(
                  ("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nX-Slow-" + index + ": ")
                      .getBytes(StandardCharsets.US_ASCII));
        }
        for (int index = 0; index < STALLED; index++) {
          held.add(new Socket("127.0.0.1", port));
        }
        // one byte a second on every slowloris connection: their headers never end
        abusers.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (abusing.get()) {
                        for (int index = 0; index < SLOWLORIS; index++) {
                          try {
                            held.get(index).getOutputStream().write('a');
                          } catch (IOException closed) {
                            // the server hung up on this one: the others go on
                          }
                        }
                        sleep(Duration.ofSeconds(1));
                      }
                    }));
        final byte[] upload = new byte[UPLOAD_BYTES];
        Arrays.fill(upload, (byte) 'x');
        final AtomicLong uploadsRefused = new AtomicLong();
        for (int index = 0; index < UPLOADERS; index++) {
          abusers.add(
              Thread.ofVirtual()
                  .start(
                      () -> {
                        while (abusing.get()) {
                          unsignedUpload(port, upload);
                          uploadsRefused.incrementAndGet();
                        }
                      }));
        }
        // every abuser in place before the first delivery
        sleep(Duration.ofSeconds(2));

        final URI webhook = URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp");
        final List<Long> millis = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Thread> senders = new ArrayList<>();
        for (int sender = 0; sender < SENDERS; sender++) {
          final int number = sender;
          senders.add(
              Thread.ofVirtual()
                  .start(
                      () -> {
                        // one client each: its own kept-alive connection, as a webhook sender has
                        try (HttpClient client =
                            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                          for (int index = 0; index < DELIVERIES_PER_SENDER; index++) {
                            final byte[] body = echo("wamid.ABUSE" + number + "x" + index);
                            final long started = System.nanoTime();
                            final HttpResponse<String> answer =
                                client.send(
                                    HttpRequest.newBuilder(webhook)
                                        .timeout(Duration.ofSeconds(60))
                                        .header(
                                            "X-Hub-Signature-256",
                                            Signatures.metaHeader(
                                                APP_SECRET.getBytes(StandardCharsets.UTF_8), body))
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                        .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            millis.add((System.nanoTime() - started) / 1_000_000);
                            statuses.add(answer.statusCode());
                          }
                        } catch (IOException | InterruptedException failed) {
                          statuses.add(-1);
                        }
                      }));
        }
        for (final Thread sender : senders) {
          sender.join(Duration.ofSeconds(120));
        }

        assertThat(statuses)
            .as("every signed delivery acknowledged")
            .hasSize(SENDERS * DELIVERIES_PER_SENDER)
            .containsOnly(200);
        final List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf(
            "signed deliveries under abuse: p50 %d ms, max %d ms; %d uploads refused meanwhile%n",
            sorted.get(sorted.size() / 2), sorted.getLast(), uploadsRefused.get());
        assertThat(sorted.getLast())
            .as("slowest signed delivery, in ms, while %d slowloris connections wait", SLOWLORIS)
            .isLessThan(PROMPT.toMillis());
        assertThat(uploadsRefused.get()).as("uploads refused meanwhile").isPositive();
        // the slowloris and stalled connections were all still held: the deliveries did not get
        // through because the abusers had been disconnected
        assertThat(coexist.get("/metrics").body())
            .contains("coexist_http_connections_timed_out_total 0.0");
      } finally {
        abusing.set(false);
        for (final Socket socket : held) {
          socket.close();
        }
        for (final Thread abuser : abusers) {
          abuser.join(Duration.ofSeconds(10));
        }
      }
    }
  }

  /** An unsigned upload, headers and body in one go; whatever the server answers, or a reset. */
  private static void unsignedUpload(final int port, final byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      final OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      socket.getInputStream().readAllBytes();
    } catch (IOException refused) {
      // cut off after the server's answer: refused all the same
    }
  }

  private static byte[] echo(final String wamid) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
            + "\"changes\":[{\"field\":\"smb_message_echoes\",\"value\":{\"messaging_product\":"
            + "\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550001111\","
            + "\"phone_number_id\":\"106540352242922\"},\"message_echoes\":[{\"from\":"
            + "\"15550001111\",\"to\":\"16505551234\",\"id\":\""
            + wamid
            + "\",\"timestamp\":\"1700255121\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}]}}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void sleep(final Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
