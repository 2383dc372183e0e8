package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.cli.CoexistCommand;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.Select;
import picocli.CommandLine;

/**
 * The inbox's journal view in headless Chromium against the real Coexist: an entry's body is shown
 * as text (indented when it is JSON, its values as received), markup in it stays inert; "Copy as
 * curl" is a command that, run, posts the same bytes again; chosen entries download as the JSON
 * lines that coexist import reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalPageIT {
  private static final String KEY = "test-key";
  private static final String SECRET_HEADER = "X-Coexist-Secret";
  private static final String SECRET = "s3cret";
  private static final ObjectMapper JSON = new ObjectMapper();
  // runs only if the page ever builds markup from a body
  private static final String INJECTION = "<img src=x onerror=\"document.title='pwned'\">";

  @TempDir static Path temp;
  private RunningApp app;
  private Browser browser;
  private Path downloads;

  private byte[] rejectedText;
  private byte[] rejectedBinary;
  private byte[] failedJson;
  private byte[] withProblems;
  private long rejectedTextId;
  private long rejectedBinaryId;
  private long failedId;
  private long withProblemsId;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    app =
        RunningApp.start(
            temp.resolve("data"),
            Map.of(ConfigKey.API_KEY, KEY, ConfigKey.HEADER_SECRET, SECRET_HEADER + ":" + SECRET));

    rejectedText =
        ("not a webhook at all: " + INJECTION + "\n<script>document.title='pwned'</script> it's")
            .getBytes(StandardCharsets.UTF_8);
    rejectedBinary = new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
    failedJson =
        ("{\"object\":\"page\",\"entry\":[],\"note\":\"" + INJECTION.replace("\"", "\\\"") + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    withProblems = problemsBody();
    rejectedTextId = post(rejectedText);
    rejectedBinaryId = post(rejectedBinary);
    failedId = post(failedJson);
    withProblemsId = post(withProblems);
    awaitNothingPending();

    browser = Browser.start(Files.createDirectories(temp.resolve("chromium")), "UTC");
    downloads = Files.createDirectories(temp.resolve("downloads"));
    browser.allowDownloadsTo(downloads);
  }

  /** An echo with markup in its text and a 20-digit number, after two entries with no changes. */
  private static byte[] problemsBody() throws Exception {
    final ObjectNode body = Deliveries.fixture("meta/messages-text.json");
    final ObjectNode message = (ObjectNode) body.at("/entry/0/changes/0/value/messages/0");
    message.put("id", "wamid.JOURNAL.PAGE");
    ((ObjectNode) message.get("text")).put("body", "Hi " + INJECTION);
    final String text = JSON.writeValueAsString(body);
    // two entries without changes first (each a problem), and a number no double holds exactly
    return text.replaceFirst(
            "\"entry\":\\[",
            "\"big\":12345678901234567890,\"entry\":[{\"id\":\""
                + INJECTION.replace("\"", "'")
                + "\"},{},")
        .getBytes(StandardCharsets.UTF_8);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @BeforeEach
  void openTheJournal() {
    browser.signIn(app.uri("/").toString(), KEY);
    browser.awaitElement("#show-failed").click();
    browser.awaitElement("#failed tr[data-journal-id]");
  }

  @AfterEach
  void screenshot(final TestInfo test) {
    browser.screenshot("JournalPageIT-" + test.getTestMethod().orElseThrow().getName());
  }

  @Test
  void aBodyIsShownAsTextAndTheMarkupInItStaysInert() {
    show("rejected", rejectedTextId);
    assertThat(textOf("#journal-body")).isEqualTo(new String(rejectedText, StandardCharsets.UTF_8));
    assertThat(textOf("#journal-body-note")).isEqualTo("Not JSON: the text as received.");
    assertThat(textOf("#journal-facts [data-role=sha256]")).isEqualTo(sha256(rejectedText));
    assertThat(textOf("#journal-facts [data-role=error]")).startsWith("not JSON");

    show("problems", withProblemsId);
    final String shown = textOf("#journal-body");
    assertThat(shown)
        .startsWith(
            "{\n  \"object\": \"whatsapp_business_account\",\n  \"big\": 12345678901234567890,")
        .contains("\"body\": \"Hi " + INJECTION.replace("\"", "\\\"") + "\"");
    assertThat(shown.replaceAll("\\s", ""))
        .isEqualTo(new String(withProblems, StandardCharsets.UTF_8).replaceAll("\\s", ""));
    assertThat(textOf("#journal-problems-title")).isEqualTo("Problems: 2 items not applied");
    assertThat(browser.all("#journal-problems li")).hasSize(2);
    assertThat(textOf("#journal-problems li:first-child .problem-item")).contains("<img src=x");

    show("rejected", rejectedBinaryId);
    assertThat(textOf("#journal-body-note")).startsWith("Not UTF-8 text");

    // nothing a body held became an element, and nothing of it ran
    assertThat(browser.all("#failed-view img, #failed-view script")).isEmpty();
    assertThat(browser.driver().getTitle()).isEqualTo("Coexist inbox");
    assertThat(browser.console())
        .noneMatch(line -> line.contains("Content Security Policy"))
        .noneMatch(line -> line.contains("SEVERE") && line.contains("/inbox/"));
  }

  @Test
  void copyAsCurlPostsTheSameBytesAgain() throws Exception {
    for (final long id : List.of(failedId, rejectedTextId, rejectedBinaryId)) {
      show(id == failedId ? "failed" : "rejected", id);
      browser.find("#copy-curl").click();
      browser.await(d -> !textOf("#copy-state").isEmpty());
      final String command = textOf("#journal-curl");
      assertThat(command)
          .contains("'" + app.uri("/webhooks/whatsapp") + "'")
          .contains("-H 'AUTH-HEADER: AUTH-VALUE'");
      final JsonNode answer =
          JSON.readTree(
              run(command.replace("AUTH-HEADER: AUTH-VALUE", SECRET_HEADER + ": " + SECRET)));
      final byte[] original = body(id);
      if (id == failedId) {
        // the same bytes: recognised as the delivery they repeat
        assertThat(answer.get("status").asText()).isEqualTo("duplicate");
        assertThat(answer.get("duplicate_of").asLong()).isEqualTo(id);
      } else {
        // a rejected body is journalled again as it came: byte for byte the same
        final long again = answer.get("journal_id").asLong();
        assertThat(again).isGreaterThan(id);
        assertThat(body(again)).isEqualTo(original);
      }
    }
    assertThat(command(rejectedBinaryId)).contains("| base64 -d |");
  }

  @Test
  void chosenEntriesDownloadAsTheLinesCoexistImportReads() throws Exception {
    new Select(browser.find("#journal-filter")).selectByValue("rejected");
    browser.await(d -> browser.all("#failed tr[data-state=rejected]").size() >= 2);
    assertThat(browser.find("#download-chosen").isEnabled()).isFalse();
    for (final long id : List.of(rejectedTextId, rejectedBinaryId)) {
      browser.find("#failed input[data-choose='" + id + "']").click();
    }
    new Select(browser.find("#journal-filter")).selectByValue("failed");
    browser.awaitElement("#failed tr[data-journal-id='" + failedId + "']");
    browser.find("#failed input[data-choose='" + failedId + "']").click();
    assertThat(browser.find("#download-chosen").getText()).isEqualTo("Download 1 entry");
    browser.find("#download-chosen").click();
    final Path file = awaitDownload("coexist-journal-" + failedId + ".jsonl");
    assertThat(textOf("#download-state")).contains("coexist import reads it");

    final List<JsonNode> lines = new ArrayList<>();
    for (final String line : Files.readAllLines(file)) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("journal_id").asLong()).isEqualTo(failedId);
    assertThat(lines.get(0).get("body").asText().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(failedJson);

    // choose every rejected one: both bodies, the binary one as base64
    new Select(browser.find("#journal-filter")).selectByValue("rejected");
    browser.await(d -> browser.all("#failed tr[data-state=rejected]").size() >= 2);
    browser.find("#choose-all").click();
    browser.find("#download-chosen").click();
    final long rejectedRows = browser.all("#failed tr[data-state=rejected]").size();
    final Path all = awaitDownload("coexist-journal-" + rejectedTextId + "-");
    assertThat(Files.readAllLines(all)).hasSize((int) rejectedRows);

    final Path fresh = temp.resolve("imported");
    final StringWriter out = new StringWriter();
    final CommandLine importer = CoexistCommand.commandLine();
    importer.setOut(new PrintWriter(out));
    importer.setErr(new PrintWriter(new StringWriter()));
    assertThat(importer.execute("import", all.toString(), "--data-dir", fresh.toString())).isZero();
    assertThat(out.toString())
        .contains("imported " + rejectedRows + " lines: 0 accepted, 0 duplicates, " + rejectedRows);
    final List<String> shas = new ArrayList<>();
    for (final String line : Files.readAllLines(all)) {
      shas.add(JSON.readTree(line).get("body_sha256").asText());
    }
    assertThat(shas).contains(sha256(rejectedText), sha256(rejectedBinary));
  }

  /** Chooses the filter, then opens the entry's detail. */
  private void show(final String filter, final long id) {
    new Select(browser.find("#journal-filter")).selectByValue(filter);
    final String row = "#failed tr[data-journal-id='" + id + "']";
    browser.awaitElement(row);
    browser.await(
        d -> {
          browser.find(row + " button[data-show]").click();
          return true;
        });
    browser.await(
        d ->
            String.valueOf(id)
                    .equals(browser.find("#journal-entry").getDomAttribute("data-journal-id"))
                && !textOf("#journal-body-note").isEmpty());
  }

  private String command(final long id) {
    show("rejected", id);
    return textOf("#journal-curl");
  }

  /** What the page put into the element, as text: exactly, whitespace and all. */
  private String textOf(final String css) {
    return (String) browser.script("return document.querySelector(arguments[0]).textContent", css);
  }

  private Path awaitDownload(final String prefix) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(downloads)) {
        final List<Path> done =
            files
                .filter(path -> path.getFileName().toString().startsWith(prefix))
                .filter(path -> path.getFileName().toString().endsWith(".jsonl"))
                .toList();
        if (!done.isEmpty()) {
          return done.getFirst();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no download named " + prefix + "… within 15 s");
  }

  /** Runs a shell command (the copied curl) and returns what it printed. */
  private static String run(final String command) throws Exception {
    final Process shell =
        new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    final String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(shell.exitValue()).as(out).isZero();
    return out;
  }

  private long post(final byte[] body) throws Exception {
    final HttpResponse<String> answer =
        app.post(
            "/webhooks/whatsapp", body, "Content-Type", "application/json", SECRET_HEADER, SECRET);
    final JsonNode json = JSON.readTree(answer.body());
    return json.has("id") ? json.get("id").asLong() : json.get("journal_id").asLong();
  }

  private byte[] body(final long id) throws Exception {
    final HttpResponse<byte[]> answer =
        app.client()
            .send(
                HttpRequest.newBuilder(app.uri("/api/v1/journal/" + id + "/body"))
                    .header("Authorization", "Bearer " + KEY)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(answer.statusCode()).isEqualTo(200);
    return answer.body();
  }

  private void awaitNothingPending() throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      final HttpResponse<String> pending =
          app.get("/api/v1/journal?state=pending", "Authorization", "Bearer " + KEY);
      if (JSON.readTree(pending.body()).get("entries").isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the journal was not applied within 30 s");
  }

  private static String sha256(final byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
