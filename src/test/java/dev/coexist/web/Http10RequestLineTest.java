package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http10RequestLineTest {
  private static String rewrite(final String bytes) {
    return new String(
        Http10RequestLine.rewrite(bytes.getBytes(StandardCharsets.ISO_8859_1)),
        StandardCharsets.ISO_8859_1);
  }

  @Test
  void anHttp10RequestLineBecomesHttp11WithConnectionClose() {
    assertThat(rewrite("POST /webhooks/whatsapp HTTP/1.0\r\nHost: x\r\n\r\n{}"))
        .isEqualTo("POST /webhooks/whatsapp HTTP/1.1\r\nConnection: close\r\nHost: x\r\n\r\n{}");
    assertThat(rewrite("GET / HTTP/1.0\r\n")).isEqualTo("GET / HTTP/1.1\r\nConnection: close\r\n");
  }

  @Test
  void everythingElseIsLeftAsItIs() {
    for (final String untouched :
        new String[] {
          "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET / HTTP/2.0\r\n\r\n",
          "GET /HTTP/1.0\r\n\r\n",
          "GET / HTTP/1.0",
          "GET /a HTTP/1.1\r\nX-Version: HTTP/1.0\r\n\r\n",
          ""
        }) {
      assertThat(rewrite(untouched)).isEqualTo(untouched);
    }
  }

  @Test
  void onlyBytesStartingWithAMethodLetterMayBeARequest() {
    assertThat(Http10RequestLine.mayStartRequest("GET".getBytes(StandardCharsets.US_ASCII)))
        .isTrue();
    assertThat(Http10RequestLine.mayStartRequest("{\"a\"".getBytes(StandardCharsets.US_ASCII)))
        .isFalse();
    assertThat(Http10RequestLine.mayStartRequest(new byte[0])).isFalse();
  }
}
