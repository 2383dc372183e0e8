package dev.coexist.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.DataPath;
import dev.coexist.config.Config;
import dev.coexist.store.MessageCursor;
import dev.coexist.store.MessagePage;
import dev.coexist.store.MessageView;
import dev.coexist.store.Page;
import dev.coexist.store.ResourceJson;
import dev.coexist.store.StoreQueries;
import dev.coexist.store.ThreadCursor;
import dev.coexist.store.ThreadView;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coexist export --number ID}: a number's threads and their messages as JSON lines, in the
 * read API's shapes plus {@code kind}: a {@code thread} line, then its {@code message} lines oldest
 * first. The number is its phone_number_id or its display number, as people know it.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Write a number's threads and messages as JSON lines.")
public final class ExportCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 500;

  @CommandLine.Mixin private final DatabaseOptions databaseOptions = new DatabaseOptions();
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--number",
      required = true,
      paramLabel = "NUMBER",
      description =
          "The number to export: its phone_number_id, or its display number"
              + " (15550001111, +1 555-000-1111).")
  String wanted;

  // the phone_number_id that wanted names
  private String number;

  @Option(names = "--out", description = "File to write (default: standard output).")
  Path out;

  @Override
  public Integer call() throws Exception {
    final Config config =
        databaseOptions.existingStoreOrExplain(spec.commandLine().getErr(), "export");
    if (config == null) {
      return DatabaseOptions.EXIT_NO_STORE;
    }
    // standard output is not ours to close; a file is
    final PrintStream lines =
        out == null
            ? System.out
            : new PrintStream(Files.newOutputStream(out), false, StandardCharsets.UTF_8);
    // Opened the one way every command opens the data path; the processors are neither started
    // nor drained, so the export shows the store as it is and applies nothing (not even entries
    // still pending).
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool(config.databaseUrl()),
            new SimpleMeterRegistry(),
            change -> {})) {
      final StoreQueries queries =
          StoreQueries.of(dataPath.storage().store(), Clock.systemUTC(), Duration.ofDays(1));
      final List<String> found = phoneNumberIds(queries);
      if (found.size() != 1) {
        spec.commandLine()
            .getErr()
            .println(
                found.isEmpty()
                    ? "coexist export: no phone number " + wanted
                    : "coexist export: display number "
                        + wanted
                        + " is shown by several numbers; give one of their phone_number_ids: "
                        + String.join(", ", found));
        return 1;
      }
      number = found.get(0);
      long threads = 0;
      long messages = 0;
      ThreadCursor threadCursor = null;
      do {
        final Page<ThreadView, ThreadCursor> page =
            queries.threads().page(number, threadCursor, PAGE);
        for (final ThreadView thread : page.items()) {
          lines.println(JSON.writeValueAsString(line("thread", ResourceJson.thread(thread))));
          threads++;
          messages += exportMessages(queries, thread.threadId(), lines);
        }
        threadCursor = page.next();
      } while (threadCursor != null);
      lines.flush();
      spec.commandLine().getErr().printf("exported %d threads, %d messages%n", threads, messages);
      return 0;
    } finally {
      if (out != null) {
        lines.close();
      }
    }
  }

  /** The number that {@code --number} names: by its phone_number_id first, else by display. */
  private List<String> phoneNumberIds(final StoreQueries queries) throws Exception {
    if (queries.numbers().find(wanted).isPresent()) {
      return List.of(wanted);
    }
    final String digits = wanted.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? List.of() : queries.numbers().withDisplayDigits(digits);
  }

  private long exportMessages(
      final StoreQueries queries, final long threadId, final PrintStream lines) throws Exception {
    long written = 0;
    MessageCursor after = null;
    while (true) {
      final MessagePage page = queries.messages().page(number, threadId, null, after, PAGE);
      final List<String> wamids = page.messages().stream().map(MessageView::wamid).toList();
      final var reactions = queries.messages().reactions(number, wamids);
      for (final MessageView message : page.messages()) {
        lines.println(
            JSON.writeValueAsString(
                line(
                    "message",
                    ResourceJson.message(
                        message, reactions.getOrDefault(message.wamid(), List.of())))));
        written++;
      }
      if (page.after() == null || page.messages().isEmpty()) {
        return written;
      }
      after = page.after();
    }
  }

  /**
   * A line: {@code kind} says thread or message (a message's own {@code type} is its WhatsApp
   * type).
   */
  private static Map<String, Object> line(final String kind, final Map<String, Object> json) {
    final Map<String, Object> line = new LinkedHashMap<>();
    line.put("kind", kind);
    line.putAll(json);
    return line;
  }
}
