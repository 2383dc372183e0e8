package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InboxAssetsTest {
  private final InboxAssets assets = new InboxAssets("inbox");

  @Test
  void findsThePageAndItsFilesWithTheirContentTypes() {
    assertThat(assets.find("index.html"))
        .hasValueSatisfying(
            page -> {
              assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
              assertThat(new String(page.bytes(), StandardCharsets.UTF_8))
                  .contains("/inbox/main.js");
              assertThat(page.etag()).matches("\"[0-9a-f]{24}\"");
            });
    assertThat(assets.find("main.js"))
        .hasValueSatisfying(
            script -> assertThat(script.contentType()).isEqualTo("text/javascript; charset=utf-8"));
    assertThat(assets.find("inbox.css"))
        .hasValueSatisfying(
            style -> assertThat(style.contentType()).isEqualTo("text/css; charset=utf-8"));
  }

  @Test
  void looksUpNothingButPlainNamesOfItsOwnFolder() {
    assertThat(assets.find("missing.js")).isEmpty();
    assertThat(assets.find("../openapi.yaml")).isEmpty();
    assertThat(assets.find("..%2Fopenapi.yaml")).isEmpty();
    assertThat(assets.find("/etc/passwd")).isEmpty();
    assertThat(assets.find("sub/main.js")).isEmpty();
    assertThat(assets.find(".main.js")).isEmpty();
    assertThat(assets.find("MAIN.JS")).isEmpty();
    assertThat(assets.find("logback.xml")).isEmpty();
    assertThat(assets.find(null)).isEmpty();
  }

  @Test
  void aMadeUpNameIsNotRemembered() {
    final InboxAssets other = new InboxAssets("no-such-folder");
    assertThat(other.find("index.html")).isEmpty();
  }
}
