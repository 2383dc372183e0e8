package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

  /**
   * The project keeps its files small, one job each: a script past 400 lines has taken on a second
   * job and is split. The folder is listed where the build put it (target/classes) and every script
   * is read as the inbox serves it.
   */
  @Test
  void noScriptOfTheInboxIsLongerThanFourHundredLines() throws IOException, URISyntaxException {
    final Path folder =
        Path.of(InboxAssetsTest.class.getResource("/inbox/main.js").toURI()).getParent();
    final List<String> scripts;
    try (Stream<Path> files = Files.list(folder)) {
      scripts =
          files
              .map(file -> file.getFileName().toString())
              .filter(name -> name.endsWith(".js"))
              .sorted()
              .toList();
    }
    assertThat(scripts).contains("main.js", "conversation.js", "days.js", "timeline.js");
    final Map<String, Long> lines =
        scripts.stream().collect(Collectors.toMap(Function.identity(), this::lineCount));
    assertThat(lines)
        .allSatisfy((name, count) -> assertThat(count).as(name).isLessThanOrEqualTo(400));
  }

  private long lineCount(final String name) {
    final byte[] bytes =
        assets.find(name).orElseThrow(() -> new AssertionError(name + " is not served")).bytes();
    return new String(bytes, StandardCharsets.UTF_8).lines().count();
  }
}
