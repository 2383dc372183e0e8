package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.config.Config;
import dev.coexist.journal.Journal;
import dev.coexist.journal.JournalEntry;
import dev.coexist.journal.JournalLines;
import dev.coexist.journal.JournalSummary;
import dev.coexist.store.JournalStates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coexist journal export}: journal entries as the JSON lines {@code coexist import} reads
 * ({@link JournalLines}), in journal order, each body exactly as it was received: importing the
 * file into another data dir journals the same bytes and builds the same store.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write journal entries as the JSON lines coexist import reads, oldest first.",
      "Every entry by default; --state, --from-id and --to-id choose some."
    })
public final class JournalExportCommand implements Callable<Integer> {
  private static final Set<String> STATES =
      Set.of("pending", "applied", "duplicate", "failed", "rejected");
  private static final int PAGE = 500;

  @CommandLine.Mixin private final DatabaseOptions databaseOptions = new DatabaseOptions();
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "Only entries in this state: pending, applied, duplicate, failed, rejected.")
  String state;

  @Option(names = "--from-id", paramLabel = "ID", description = "First entry (inclusive).")
  long fromId = 1;

  @Option(names = "--to-id", paramLabel = "ID", description = "Last entry (inclusive).")
  long toId = Long.MAX_VALUE;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "File to write (default: standard output).")
  Path out;

  @Override
  public Integer call() throws Exception {
    final PrintWriter err = spec.commandLine().getErr();
    if (state != null && !STATES.contains(state)) {
      err.println(
          "coexist journal export: --state must be one of pending, applied, duplicate, failed,"
              + " rejected; was '"
              + state
              + "'");
      return 2;
    }
    if (fromId > toId) {
      err.println("coexist journal export: --from-id " + fromId + " is after --to-id " + toId);
      return 2;
    }
    final Config config = databaseOptions.existingStoreOrExplain(err, "journal export");
    if (config == null) {
      return DatabaseOptions.EXIT_NO_STORE;
    }
    // Opened the one way every command opens the data path; nothing is applied, so the entries
    // are exported in the state they are in.
    try (DataPath dataPath =
            DataPath.open(
                DataPath.Settings.forTool(config.databaseUrl()),
                new SimpleMeterRegistry(),
                change -> {});
        Writer lines = writer()) {
      final long written =
          state == null
              ? every(dataPath.journal(), lines)
              : inState(dataPath.journal(), dataPath.states(), lines);
      lines.flush();
      err.println("exported " + written + (written == 1 ? " entry" : " entries"));
      return 0;
    }
  }

  private Writer writer() throws Exception {
    // standard output is not ours to close: closing the writer only flushes it
    return out == null
        ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
          @Override
          public void close() throws java.io.IOException {
            flush();
          }
        }
        : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
  }

  private long every(final Journal journal, final Writer lines) throws Exception {
    long written = 0;
    long after = fromId - 1;
    while (true) {
      final List<JournalEntry> page = journal.entries(after, toId, PAGE);
      for (final JournalEntry entry : page) {
        write(lines, entry);
        written++;
        after = entry.id();
      }
      if (page.size() < PAGE) {
        return written;
      }
    }
  }

  /** The entries of one state, listed by the store; each body read from the journal. */
  private long inState(final Journal journal, final JournalStates states, final Writer lines)
      throws Exception {
    long written = 0;
    long after = fromId - 1;
    while (true) {
      final List<JournalSummary> page = states.entries(state, after, PAGE);
      for (final JournalSummary summary : page) {
        if (summary.id() > toId) {
          return written;
        }
        write(lines, journal.find(summary.id()).orElseThrow(() -> gone(summary.id())));
        written++;
        after = summary.id();
      }
      if (page.size() < PAGE) {
        return written;
      }
    }
  }

  private static void write(final Writer lines, final JournalEntry entry) throws Exception {
    lines.write(JournalLines.line(entry));
    lines.write('\n');
  }

  private static SQLException gone(final long id) {
    // journal rows are never deleted: a listed id without its row is a broken database
    return new SQLException("journal entry " + id + " is listed but its row is missing");
  }
}
