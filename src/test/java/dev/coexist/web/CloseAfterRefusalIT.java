package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refusal that leaves the body unread says {@code Connection: close}, and the connection then
 * ends: what the client is still sending is the rest of that body, never a request. Helidon read on
 * after such an answer and parsed the body as requests: an upload of {@code x} drew a second answer
 * (414) after the 401, and a body of request lines was served line by line after the 413, thousands
 * of answers on a connection the server had said it would close (RFC 9112 §9.6).
 */
class CloseAfterRefusalIT {
  private static final byte[] SMUGGLED =
      "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int BODY_SENT = 400_000;
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  @TempDir Path dataDir;

  @Test
  void anUnsignedBodyCutAt64KbGetsOneAnswerAndTheConnectionEnds() throws Exception {
    try (RunningApp coexist =
        RunningApp.start(dataDir, Map.of(ConfigKey.APP_SECRET, "close-secret"))) {
      // declared within --max-body: refused on its headers, read up to 64 KB, then cut
      final String answers = exchange(coexist.app().port(), 8_000_000);
      assertThat(statuses(answers)).containsExactly("401");
      assertThat(answers).contains("Connection: close");
    }
  }

  @Test
  void aRefusedUploadStillComingAfterTheReadAwayIsHeldUnreadThenCut() throws Exception {
    try (RunningApp coexist =
            RunningApp.start(dataDir, Map.of(ConfigKey.APP_SECRET, "close-secret"));
        Socket client = new Socket("127.0.0.1", coexist.app().port())) {
      client.setSoTimeout(10_000);
      final int declared = 8_000_000;
      final OutputStream out = client.getOutputStream();
      out.write(head(declared));
      out.flush();
      final long started = System.nanoTime();
      final java.util.concurrent.atomic.AtomicLong written =
          new java.util.concurrent.atomic.AtomicLong();
      final java.util.concurrent.atomic.AtomicLong cutAt =
          new java.util.concurrent.atomic.AtomicLong();
      final Thread sender =
          Thread.ofVirtual()
              .start(
                  () -> {
                    final byte[] chunk = new byte[16 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    try {
                      while (written.get() < declared) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                      }
                    } catch (IOException cut) {
                      cutAt.set(System.nanoTime());
                    }
                  });
      final InputStream in = client.getInputStream();
      final ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try {
        for (int read = in.read(); read >= 0; read = in.read()) {
          answer.write(read);
        }
      } catch (SocketException reset) {
        // the close with the body unread resets the connection
      }
      sender.join(Duration.ofSeconds(15));
      assertThat(statuses(answer.toString(StandardCharsets.ISO_8859_1))).containsExactly("401");
      // the server read 256 KB of it, then stopped: the rest stayed with the client, whose writes
      // blocked on the full socket until the cut, which came when the hold ended (2 s), not at once
      assertThat(written.get()).isLessThan(declared);
      assertThat(cutAt.get()).as("the upload was cut").isNotZero();
      assertThat(Duration.ofNanos(cutAt.get() - started))
          .isGreaterThan(Duration.ofMillis(1_500))
          .isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aBodyOverTheLimitGetsOneAnswerAndTheConnectionEnds() throws Exception {
    try (RunningApp coexist =
        RunningApp.start(dataDir, Map.of(ConfigKey.APP_SECRET, "close-secret"))) {
      // declared over --max-body (8 MB): 413 on its headers, none of it read
      final String answers = exchange(coexist.app().port(), 9_000_000);
      assertThat(statuses(answers)).containsExactly("413");
    }
  }

  @Test
  void aKeptAliveConnectionStillServesTheNextRequest() throws Exception {
    try (RunningApp coexist =
            RunningApp.start(dataDir, Map.of(ConfigKey.APP_SECRET, "close-secret"));
        Socket client = new Socket("127.0.0.1", coexist.app().port())) {
      client.setSoTimeout(10_000);
      // a small unsigned body is read whole and refused without closing: the connection goes on
      final byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
      final OutputStream out = client.getOutputStream();
      out.write(head(body.length));
      out.write(body);
      out.write(SMUGGLED);
      out.flush();
      final InputStream in = client.getInputStream();
      final ByteArrayOutputStream seen = new ByteArrayOutputStream();
      while (statuses(seen.toString(StandardCharsets.ISO_8859_1)).length < 2) {
        final int read = in.read();
        assertThat(read).as("the server closed a kept-alive connection").isNotNegative();
        seen.write(read);
      }
      assertThat(statuses(seen.toString(StandardCharsets.ISO_8859_1)))
          .containsExactly("401", "200");
    }
  }

  /**
   * Sends the head of an unsigned POST declaring {@code declared} bytes, then request lines as its
   * body while reading whatever comes back until the server ends the connection; the answers.
   */
  private static String exchange(final int port, final int declared) throws Exception {
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      final OutputStream out = client.getOutputStream();
      out.write(head(declared));
      out.flush();
      final Thread sender =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int sent = 0; sent < BODY_SENT; sent += SMUGGLED.length) {
                        out.write(SMUGGLED);
                      }
                      out.flush();
                    } catch (IOException closed) {
                      // the server ended the connection while the body was still coming
                    }
                  });
      final ByteArrayOutputStream answers = new ByteArrayOutputStream();
      final InputStream in = client.getInputStream();
      final byte[] buffer = new byte[8192];
      try {
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
          answers.write(buffer, 0, read);
        }
      } catch (SocketTimeoutException stillOpen) {
        throw new AssertionError(
            "the server kept the connection open after answering: "
                + statuses(answers.toString(StandardCharsets.ISO_8859_1)).length
                + " answers so far",
            stillOpen);
      } catch (SocketException reset) {
        // closed with the body unread: a reset, after the answer
      }
      client.close();
      sender.join();
      return answers.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static byte[] head(final long length) {
    return ("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static String[] statuses(final String answers) {
    final Matcher matcher = STATUS_LINE.matcher(answers);
    return matcher.results().map(result -> result.group(1)).toArray(String[]::new);
  }
}
