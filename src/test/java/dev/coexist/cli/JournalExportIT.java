package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.DataPath;
import dev.coexist.journal.JournalSummary;
import dev.coexist.store.JournalStates;
import dev.coexist.store.NumberView;
import dev.coexist.store.ProblemQueries;
import dev.coexist.store.ProblemView;
import dev.coexist.store.StoreQueries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coexist journal export writes the lines coexist import reads: exported from one data dir and
 * imported into a fresh one, the journal holds the same bytes in the same order with the same
 * states, and the store shows the same numbers, threads, messages and problems.
 */
class JournalExportIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FIXTURES =
      List.of(
          "360dialog/history-phase1-chunk3.json",
          "meta/echo-text.json",
          "meta/messages-text.json",
          "meta/statuses-sent-delivered-read.json",
          "meta/state-sync-add.json",
          "bad/foreign-object.json",
          "bad/messages-missing-wamid.json",
          "bad/not-an-envelope.json",
          "meta/messages-text.json");

  @TempDir Path folder;

  @Test
  void exportedAndImportedIntoAFreshDataDirGivesTheSameStore() throws Exception {
    final Path source = folder.resolve("source");
    final List<String> lines = new ArrayList<>();
    for (final String name : FIXTURES) {
      lines.add(
          JSON.writeValueAsString(
              Map.of(
                  "route",
                  name.startsWith("360dialog/") ? "360dialog" : "whatsapp",
                  "headers",
                  Map.of("content-type", "application/json"),
                  "body",
                  fixture(name))));
    }
    // a body that is not UTF-8 goes as base64, both ways
    lines.add(
        JSON.writeValueAsString(
            Map.of(
                "route",
                "whatsapp",
                "body_base64",
                Base64.getEncoder().encodeToString(new byte[] {'{', (byte) 0xc3, '}'}))));
    final Cli.Run imported =
        Cli.run(
            "import",
            Files.write(folder.resolve("captured.jsonl"), lines).toString(),
            "--data-dir",
            source.toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(imported.out())
        .contains("imported 10 lines: 7 accepted, 1 duplicates, 2 rejected, 0 unreadable");

    final Path exported = folder.resolve("journal.jsonl");
    final Cli.Run export =
        Cli.run("journal", "export", "--out", exported.toString(), "--data-dir", source.toString());
    assertThat(export.exitCode()).as(export.err()).isZero();
    assertThat(export.err().strip()).isEqualTo("exported 10 entries");
    final List<JsonNode> written = read(exported);
    assertThat(written).hasSize(10);
    assertThat(written.get(0).get("route").asText()).isEqualTo("360dialog");
    assertThat(written.get(9).has("body")).isFalse();
    assertThat(written.get(9).get("body_base64").asText()).isEqualTo("e8N9");

    final Path copy = folder.resolve("copy");
    final Cli.Run again = Cli.run("import", exported.toString(), "--data-dir", copy.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("imported 10 lines: 7 accepted, 1 duplicates, 2 rejected, 0 unreadable");

    assertThat(snapshot(copy)).isEqualTo(snapshot(source));
    final Path exportedAgain = folder.resolve("again.jsonl");
    Cli.run("journal", "export", "--out", exportedAgain.toString(), "--data-dir", copy.toString());
    assertThat(withoutArrival(read(exportedAgain))).isEqualTo(withoutArrival(written));

    // a second import of the same lines is recognised line by line
    final Cli.Run twice = Cli.run("import", exported.toString(), "--data-dir", copy.toString());
    assertThat(twice.out()).contains("0 accepted, 8 duplicates, 2 rejected");
  }

  @Test
  void stateAndIdsChooseTheEntries() throws Exception {
    final Path data = folder.resolve("data");
    final List<String> lines = new ArrayList<>();
    for (final String name : FIXTURES) {
      lines.add(JSON.writeValueAsString(Map.of("route", "whatsapp", "body", fixture(name))));
    }
    Cli.run(
        "import",
        Files.write(folder.resolve("in.jsonl"), lines).toString(),
        "--data-dir",
        data.toString());

    final Path failed = folder.resolve("failed.jsonl");
    Cli.run(
        "journal",
        "export",
        "--state",
        "failed",
        "--out",
        failed.toString(),
        "--data-dir",
        data.toString());
    assertThat(read(failed))
        .extracting(line -> line.get("body").asText())
        .containsExactly(fixture("bad/foreign-object.json"));

    final Path some = folder.resolve("some.jsonl");
    final Cli.Run range =
        Cli.run(
            "journal",
            "export",
            "--from-id",
            "2",
            "--to-id",
            "4",
            "--out",
            some.toString(),
            "--data-dir",
            data.toString());
    assertThat(range.err().strip()).isEqualTo("exported 3 entries");
    assertThat(read(some))
        .extracting(line -> line.get("journal_id").asLong())
        .containsExactly(2L, 3L, 4L);

    final Cli.Run applied =
        Cli.run(
            "journal",
            "export",
            "--state",
            "applied",
            "--to-id",
            "3",
            "--data-dir",
            data.toString());
    assertThat(applied.err().strip()).isEqualTo("exported 3 entries");

    final Cli.Run wrong =
        Cli.run("journal", "export", "--state", "broken", "--data-dir", data.toString());
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err()).contains("--state must be one of pending, applied");
  }

  /** What the store shows: the journal's states, each number's export, and the problems. */
  private static String snapshot(final Path data) throws Exception {
    final StringBuilder text = new StringBuilder();
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool("jdbc:sqlite:" + data.resolve("coexist.db")),
            new SimpleMeterRegistry(),
            change -> {})) {
      final JournalStates states = dataPath.states();
      final ProblemQueries problems = new ProblemQueries(dataPath.storage().store());
      for (final String state : List.of("pending", "applied", "duplicate", "failed", "rejected")) {
        for (final JournalSummary entry : states.entries(state, 0, 100)) {
          text.append(state)
              .append(' ')
              .append(entry.id())
              .append(' ')
              .append(entry.bodySha256())
              .append(' ')
              .append(entry.error())
              .append(' ')
              .append(entry.duplicateOf())
              .append('\n');
          for (final ProblemView problem : problems.all(entry.id())) {
            text.append("  ").append(problem).append('\n');
          }
        }
      }
      final StoreQueries queries =
          StoreQueries.of(dataPath.storage().store(), Clock.systemUTC(), Duration.ofDays(1));
      for (final NumberView number : queries.numbers().all()) {
        final Path out = Files.createTempFile(data, "export", ".jsonl");
        final Cli.Run export =
            Cli.run(
                "export",
                "--number",
                number.phoneNumberId(),
                "--out",
                out.toString(),
                "--data-dir",
                data.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        text.append(number.phoneNumberId()).append('\n').append(Files.readString(out));
        Files.delete(out);
      }
    }
    return text.toString();
  }

  private static List<JsonNode> withoutArrival(final List<JsonNode> lines) {
    return lines.stream()
        .map(
            line -> {
              final ObjectNode copy = line.deepCopy();
              copy.remove("received_at");
              return (JsonNode) copy;
            })
        .toList();
  }

  private static List<JsonNode> read(final Path file) throws Exception {
    final List<JsonNode> lines = new ArrayList<>();
    for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static String fixture(final String name) throws Exception {
    try (InputStream in = JournalExportIT.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
