package dev.coexist.coexistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fixtures double as documentation: each is listed in the README and the good ones are clean.
 */
class FixtureCatalogTest {

  @Test
  void everyFixtureIsListedInTheReadme() throws Exception {
    String readme = new String(Fixtures.bytes("README.md"), StandardCharsets.UTF_8);

    assertThat(fixtures("360dialog", "meta", "bad"))
        .isNotEmpty()
        .allSatisfy(fixture -> assertThat(readme).contains("`" + fixture + "`"));
  }

  @Test
  void everyWellFormedFixtureDecodesWithoutProblemsIntoAtLeastOneEvent() throws Exception {
    assertThat(fixtures("360dialog", "meta"))
        .allSatisfy(
            fixture -> {
              Decoded decoded = Fixtures.decode(fixture);
              assertThat(decoded.problems()).as(fixture).isEmpty();
              assertThat(decoded.events()).as(fixture).isNotEmpty();
            });
  }

  @Test
  void everyEventOfTheFixturesNamesItsBusinessNumberOrIsNotAboutOne() throws Exception {
    assertThat(fixtures("360dialog", "meta"))
        .flatMap(fixture -> Fixtures.decode(fixture).events())
        .allSatisfy(
            event -> {
              if (event instanceof PartnerEvent || event instanceof AccountUpdate) {
                return;
              }
              assertThat(event.origin().phoneNumberId()).as(event.toString()).isNotBlank();
              assertThat(event.origin().wabaId()).isNotBlank();
              assertThat(event.raw()).isNotNull();
            });
  }

  private static List<String> fixtures(String... folders) throws IOException, URISyntaxException {
    Path root = Path.of(FixtureCatalogTest.class.getResource("/fixtures").toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(path -> path.toString().endsWith(".json"))
          .map(path -> root.relativize(path).toString().replace('\\', '/'))
          .filter(name -> Stream.of(folders).anyMatch(folder -> name.startsWith(folder + "/")))
          .sorted()
          .toList();
    }
  }
}
