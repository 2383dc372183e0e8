package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

  private static HttpResponseReader reader(String wire) {
    return new HttpResponseReader(
        new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void readsKeepAliveResponsesFramedByContentLengthOneAfterAnother() throws IOException {
    final HttpResponseReader reader =
        reader(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 22\r\n\r\n"
                + "{\"status\":\"accepted\"}\n"
                + "HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno");

    assertThat(reader.read()).isEqualTo(200);
    assertThat(reader.keptBody()).isEqualTo("{\"status\":\"accepted\"}\n");
    assertThat(reader.closeAfter()).isFalse();
    assertThat(reader.bodyContains("duplicate".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(reader.read()).isEqualTo(401);
    assertThat(reader.keptBody()).isEqualTo("no");
    assertThat(reader.buffered()).isZero();
  }

  @Test
  void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
    final HttpResponseReader reader =
        reader(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "b;ext=1\r\n{\"status\":\"\r\nb\r\nduplicate\"}\r\n0\r\nX-Trailer: 1\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n");

    assertThat(reader.read()).isEqualTo(200);
    assertThat(reader.keptBody()).isEqualTo("{\"status\":\"duplicate\"}");
    assertThat(reader.bodyContains("duplicate".getBytes(StandardCharsets.US_ASCII))).isTrue();
    assertThat(reader.read()).isEqualTo(204);
  }

  @Test
  void skipsInterimResponsesAndSeesConnectionClose() throws IOException {
    final HttpResponseReader reader =
        reader(
            "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n");

    assertThat(reader.read()).isEqualTo(503);
    assertThat(reader.closeAfter()).isTrue();
  }

  @Test
  void keepsOnlyTheStartOfALargeBody() throws IOException {
    final String big = "x".repeat(100_000);
    final HttpResponseReader reader =
        reader("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big);

    assertThat(reader.read()).isEqualTo(200);
    assertThat(reader.keptBody()).hasSize(HttpResponseReader.KEPT_BODY);
  }

  @Test
  void failsOnATruncatedOrForeignResponse() {
    assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").read())
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> reader("").read()).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> reader("SSH-2.0-OpenSSH\r\n").read()).isInstanceOf(IOException.class);
  }
}
