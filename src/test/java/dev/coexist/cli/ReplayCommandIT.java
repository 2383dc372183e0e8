package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.DataPath;
import dev.coexist.journal.JournalEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coexist replay on a real SQLite data dir says what became of the entries it replayed: one entry
 * applied (with its problems) or failed with its error, a range's count of each, and why an entry
 * is not replayed.
 */
class ReplayCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path folder;
  private Path data;
  private final Map<String, Long> ids = new LinkedHashMap<>();

  @BeforeEach
  void importDeliveries() throws Exception {
    data = folder.resolve("data");
    final List<String> fixtures =
        List.of(
            "meta/messages-text.json",
            "bad/foreign-object.json",
            "bad/messages-missing-wamid.json",
            "bad/not-an-envelope.json",
            "meta/messages-text.json");
    final StringBuilder lines = new StringBuilder();
    for (final String name : fixtures) {
      lines
          .append(
              JSON.writeValueAsString(
                  Map.of("route", "whatsapp", "headers", Map.of(), "body", fixture(name))))
          .append('\n');
    }
    final Path file = Files.writeString(folder.resolve("captured.jsonl"), lines);
    final Cli.Run imported = Cli.run("import", file.toString(), "--data-dir", data.toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    // in journal order, one entry per line; the store says what became of each
    final List<String> names =
        List.of("applied", "failed", "applied with problems", "rejected", "duplicate");
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool("jdbc:sqlite:" + data.resolve("coexist.db")),
            new SimpleMeterRegistry(),
            change -> {})) {
      final List<Long> journalled =
          dataPath.journal().entries(0, Long.MAX_VALUE, 10).stream().map(JournalEntry::id).toList();
      assertThat(journalled).hasSize(names.size());
      for (int index = 0; index < names.size(); index++) {
        final long id = journalled.get(index);
        ids.put(names.get(index), id);
        assertThat(names.get(index))
            .startsWith(dataPath.states().summary(id).orElseThrow().state());
      }
    }
  }

  @Test
  void oneAppliedEntryIsReportedAsApplied() {
    final Cli.Run run = replay(String.valueOf(ids.get("applied")));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo("entry " + ids.get("applied") + " applied");
  }

  @Test
  void oneEntryWithProblemsSaysHowManyItemsWereNotApplied() {
    final long id = ids.get("applied with problems");
    final Cli.Run run = replay(String.valueOf(id));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip())
        .matches(
            "entry "
                + id
                + " applied; \\d+ items of it not applied \\(GET /api/v1/journal/"
                + id
                + "/problems\\)");
  }

  @Test
  void oneFailedEntryIsReportedWithItsErrorNotTheJournalsFailures() {
    final long id = ids.get("failed");
    final Cli.Run run = replay(String.valueOf(id));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out().strip())
        .isEqualTo(
            "entry "
                + id
                + " failed: not a webhook envelope: 'object' is 'page', not"
                + " 'whatsapp_business_account'");
  }

  @Test
  void anEntryThatIsNeverReplayedSaysWhatItIs() {
    final Cli.Run rejected = replay(String.valueOf(ids.get("rejected")));
    assertThat(rejected.exitCode()).isEqualTo(1);
    assertThat(rejected.err())
        .startsWith(
            "coexist replay: entry " + ids.get("rejected") + " is rejected (neither envelope")
        .contains("; only applied or failed entries are replayed");
    final Cli.Run duplicate = replay(String.valueOf(ids.get("duplicate")));
    assertThat(duplicate.err())
        .contains("entry " + ids.get("duplicate") + " is duplicate; only applied or failed");
    final Cli.Run unknown = replay("4242");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err().strip()).isEqualTo("coexist replay: no journal entry 4242");
  }

  @Test
  void aRangeAndTheFailedOnesAreCountedByOutcome() {
    final Cli.Run range = replay("--from", "1", "--to", String.valueOf(ids.get("duplicate")));
    assertThat(range.exitCode()).isEqualTo(1);
    assertThat(range.out().strip())
        .isEqualTo("replayed 3 entries: 2 applied, 1 failed (entry " + ids.get("failed") + ")");

    final Cli.Run failed = replay("--failed");
    assertThat(failed.out().strip())
        .isEqualTo("replayed 1 entry: 0 applied, 1 failed (entry " + ids.get("failed") + ")");

    final Cli.Run backwards = replay("--from", "5", "--to", "1");
    assertThat(backwards.exitCode()).isEqualTo(2);
    assertThat(backwards.err().strip()).isEqualTo("coexist replay: --from 5 is after --to 1");
  }

  private Cli.Run replay(final String... args) {
    final String[] all = new String[args.length + 3];
    all[0] = "replay";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data-dir";
    all[args.length + 2] = data.toString();
    return Cli.run(all);
  }

  private static String fixture(final String name) throws Exception {
    try (InputStream in = ReplayCommandIT.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
