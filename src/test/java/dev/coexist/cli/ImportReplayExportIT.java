package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.DataPath;
import dev.coexist.ingest.WebhookRoutes;
import dev.coexist.journal.Delivery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** coexist import, replay and export on a real SQLite file. */
class ImportReplayExportIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path folder;

  private record Run(int exitCode, String out, String err) {}

  private Run run(final String... args) {
    final CommandLine commandLine = CoexistCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return new Run(commandLine.execute(args), out.toString(), err.toString());
  }

  private static String fixture(final String name) throws Exception {
    try (InputStream in = ImportReplayExportIT.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Path capture(final String... fixtures) throws Exception {
    final StringBuilder lines = new StringBuilder();
    for (final String name : fixtures) {
      final Map<String, Object> line =
          Map.of(
              "route",
              name.startsWith("360dialog/") ? "360dialog" : "whatsapp",
              "headers",
              Map.of(),
              "body",
              fixture(name));
      lines.append(JSON.writeValueAsString(line)).append('\n');
    }
    final Path file = folder.resolve("captured.jsonl");
    Files.writeString(file, lines.toString());
    return file;
  }

  @Test
  void importAppliesThenDuplicatesThenExportWritesTheConversation() throws Exception {
    final Path data = folder.resolve("data");
    final Path file =
        capture(
            "360dialog/history-phase1-chunk3.json",
            "meta/echo-text.json",
            "meta/messages-text.json",
            "bad/foreign-object.json");

    final Run first = run("import", file.toString(), "--data-dir", data.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("imported 4 lines: 4 accepted, 0 duplicates, 0 rejected, 0 unreadable");
    assertThat(first.err()).contains("applying [").contains("100%");

    final Run again = run("import", file.toString(), "--data-dir", data.toString());
    assertThat(again.out()).contains("imported 4 lines: 0 accepted, 4 duplicates");

    final Run replay = run("replay", "--failed", "--data-dir", data.toString());
    assertThat(replay.exitCode()).as("one of them failed again").isEqualTo(1);
    assertThat(replay.out()).contains("replayed 1 entry: 0 applied, 1 failed (entry 4)");
    assertThat(replay.err()).contains("replaying [");

    final Path export = folder.resolve("export.jsonl");
    final Run exported =
        run(
            "export",
            "--number",
            "106540352242922",
            "--out",
            export.toString(),
            "--data-dir",
            data.toString());
    assertThat(exported.exitCode()).as(exported.err()).isZero();
    final List<JsonNode> lines =
        Files.readAllLines(export).stream().map(ImportReplayExportIT::parse).toList();
    assertThat(lines).extracting(line -> line.get("kind").asText()).contains("thread", "message");
    assertThat(lines.get(0).get("kind").asText()).isEqualTo("thread");
    assertThat(lines)
        .filteredOn(line -> line.get("kind").asText().equals("message"))
        .extracting(line -> line.get("wamid").asText())
        .doesNotHaveDuplicates();
    assertThat(exported.err()).contains("exported");
  }

  @Test
  void replayNeedsExactlyOneSelection() {
    final Run neither = run("replay", "--data-dir", folder.toString());
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("give one of ID, --from A --to B, or --failed");
  }

  @Test
  void exportAppliesNothingThatIsPending() throws Exception {
    final Path data = Files.createDirectories(folder.resolve("data"));
    final String url = "jdbc:sqlite:" + data.resolve("coexist.db");
    final byte[] body = fixture("meta/messages-text.json").getBytes(StandardCharsets.UTF_8);
    // journalled, never applied: the processors are neither started nor drained
    try (DataPath dataPath =
        DataPath.open(DataPath.Settings.forTool(url), new SimpleMeterRegistry(), change -> {})) {
      dataPath
          .journal()
          .append(
              new Delivery(
                  System.currentTimeMillis(),
                  "whatsapp",
                  "{}",
                  body,
                  WebhookRoutes.sha256Hex(body),
                  null,
                  null))
          .join();
    }

    final Run exported =
        run("export", "--number", "106540352242922", "--data-dir", data.toString());

    assertThat(exported.exitCode()).isEqualTo(1);
    assertThat(exported.err()).contains("no phone number 106540352242922");
    try (DataPath dataPath =
        DataPath.open(DataPath.Settings.forTool(url), new SimpleMeterRegistry(), change -> {})) {
      assertThat(dataPath.states().entries("pending", 0, 10)).hasSize(1);
    }
  }

  @Test
  void exportOfAnUnknownNumberSaysSo() throws Exception {
    final Path data = folder.resolve("data");
    assertThat(
            run("import", capture("meta/echo-text.json").toString(), "--data-dir", data.toString())
                .exitCode())
        .isZero();
    final Run exported = run("export", "--number", "404", "--data-dir", data.toString());
    assertThat(exported.exitCode()).isEqualTo(1);
    assertThat(exported.err()).contains("no phone number 404");
  }

  @Test
  void exportTakesTheDisplayNumberToo() throws Exception {
    final Path data = folder.resolve("data");
    run("import", capture("meta/messages-text.json").toString(), "--data-dir", data.toString());
    final Path byId = folder.resolve("by-id.jsonl");
    final Path byDisplay = folder.resolve("by-display.jsonl");
    assertThat(
            run(
                    "export",
                    "--number",
                    "106540352242922",
                    "--out",
                    byId.toString(),
                    "--data-dir",
                    data.toString())
                .exitCode())
        .isZero();
    for (final String display : List.of("15550001111", "+1 555-000-1111")) {
      final Run exported =
          run(
              "export",
              "--number",
              display,
              "--out",
              byDisplay.toString(),
              "--data-dir",
              data.toString());
      assertThat(exported.exitCode()).as(exported.err()).isZero();
      assertThat(Files.readString(byDisplay)).isEqualTo(Files.readString(byId)).isNotEmpty();
    }
  }

  @Test
  void importSaysWhichLineIsWrongAndWhyInPlainWords() throws Exception {
    final String good =
        JSON.writeValueAsString(
            Map.of("route", "whatsapp", "body", fixture("meta/echo-text.json")));
    final Path file =
        Files.writeString(
            folder.resolve("mixed.jsonl"),
            String.join(
                "\n",
                good,
                "{\"route\": \"whatsapp\", \"body\": x}",
                "[1, 2]",
                "{\"route\": \"whatsapp\"}",
                "{\"body_base64\": \"not base64!\"}",
                "{\"body\": 42}",
                "{\"route\": 7, \"body\": \"{}\"}",
                "{\"headers\": [\"x\"], \"body\": \"{}\"}",
                "{\"route\": \"whatsapp\", \"body\": {\"object\"",
                ""));
    final Run imported =
        run("import", file.toString(), "--data-dir", folder.resolve("data").toString());

    assertThat(imported.exitCode()).isEqualTo(1);
    assertThat(imported.out())
        .contains("imported 9 lines: 1 accepted, 0 duplicates, 0 rejected, 8 unreadable");
    assertThat(imported.err().lines().filter(line -> line.startsWith("line ")).toList())
        .containsExactly(
            "line 2 skipped: not JSON: unexpected 'x' at column 31",
            "line 3 skipped: a JSON array, not an object like {\"route\", \"headers\", \"body\"}",
            "line 4 skipped: no body: give \"body\" (the delivery's JSON object, or its text as a"
                + " string) or \"body_base64\"",
            "line 5 skipped: body_base64 is not base64 (A-Z, a-z, 0-9, + and /, padded with =)",
            "line 6 skipped: body is a number; give the delivery's JSON object, its text as a"
                + " string, or body_base64",
            "line 7 skipped: route must be a name such as \"whatsapp\" or \"360dialog\", was 7",
            "line 8 skipped: headers must be an object of header names and values, was a JSON array",
            "line 9 skipped: not JSON: the line ends before its JSON does (cut short?)");
    assertThat(imported.err())
        .doesNotContain("Unexpected character", "Source", "jackson", "REDACTED");
  }

  private static JsonNode parse(final String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception invalid) {
      throw new AssertionError(invalid);
    }
  }
}
