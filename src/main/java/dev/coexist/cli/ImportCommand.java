package dev.coexist.cli;

import dev.coexist.DataPath;
import dev.coexist.config.Config;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Receipt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code coexist import FILE}: captured deliveries, one JSON object a line ({@code route}, {@code
 * headers}, and {@code body} as the JSON object itself, as a string, or as {@code body_base64}), go
 * through the same journal as live ones — duplicates included — and are then applied.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Feed a JSON-lines file of captured deliveries through the journal and apply them.")
public final class ImportCommand implements Callable<Integer> {
  @CommandLine.Mixin private final DatabaseOptions databaseOptions = new DatabaseOptions();
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(paramLabel = "FILE", description = "JSON lines: route, headers, body.")
  Path file;

  @Override
  public Integer call() throws Exception {
    final Config config = databaseOptions.configOrExplain(spec.commandLine().getErr(), "import");
    if (config == null) {
      return 2;
    }
    if (!Files.isReadable(file)) {
      spec.commandLine().getErr().println("coexist import: cannot read " + file);
      return 2;
    }
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Map<Receipt.Outcome, Integer> outcomes = new EnumMap<>(Receipt.Outcome.class);
    int lineNumber = 0;
    int unreadable = 0;
    try (DataPath dataPath =
            DataPath.open(
                DataPath.Settings.forTool(config.databaseUrl())
                    .withHistoryStallAfter(config.historyStallAfter()),
                meters,
                change -> {});
        BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      final Journal journal = dataPath.journal();
      while (true) {
        final String line;
        try {
          line = lines.readLine();
        } catch (CharacterCodingException notUtf8) {
          // the reader cannot find where this line ends: the rest of the file is not read
          unreadable++;
          spec.commandLine()
              .getErr()
              .println(
                  "line "
                      + (lineNumber + 1)
                      + " is not UTF-8 text, and no line after it was read (a body that is not"
                      + " UTF-8 goes as body_base64)");
          break;
        }
        if (line == null) {
          break;
        }
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        final Delivery delivery;
        try {
          delivery = ImportLine.parse(line);
        } catch (ImportLine.Unreadable unreadableLine) {
          unreadable++;
          spec.commandLine()
              .getErr()
              .println("line " + lineNumber + " skipped: " + unreadableLine.getMessage());
          continue;
        }
        final Receipt receipt = journal.append(delivery).get();
        outcomes.merge(receipt.outcome(), 1, Integer::sum);
      }
      ApplyProgress.drain(dataPath, spec.commandLine().getErr(), "applying");
    }
    spec.commandLine()
        .getOut()
        .printf(
            "imported %d lines: %d accepted, %d duplicates, %d rejected, %d unreadable%n",
            lineNumber,
            outcomes.getOrDefault(Receipt.Outcome.ACCEPTED, 0),
            outcomes.getOrDefault(Receipt.Outcome.DUPLICATE, 0),
            outcomes.getOrDefault(Receipt.Outcome.REJECTED, 0),
            unreadable);
    return unreadable == 0 ? 0 : 1;
  }
}
