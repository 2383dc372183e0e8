package dev.coexist.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.journal.JournalSummary;
import dev.coexist.store.JournalStates;
import dev.coexist.store.Page;
import dev.coexist.store.ProblemQueries;
import dev.coexist.store.ProblemView;
import dev.coexist.web.Replies;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The journal for operators: entries by state (or applied with problems) with their problem counts,
 * one entry with its problems page by page, and replay. No answer grows with what a sender put in
 * one body: a list shows each entry's count and its first few problems, shortened. The bodies
 * themselves are {@link JournalBodies}'.
 */
public final class JournalApi {
  private static final List<String> PAGED = List.of("limit", "cursor");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> JOURNAL_STATES =
      Set.of("pending", "applied", "duplicate", "failed", "rejected");
  private static final int MAX_REPLAY_BODY = 4096;
  // what a list shows of each entry's problems: enough to see what went wrong at a glance
  private static final int PROBLEMS_IN_LIST = 3;

  private final JournalStates journal;
  private final ProblemQueries problems;
  private final ApiGuard guard;
  private final Runnable wakeProcessor;

  /**
   * @param journal the entries' states and replay (the raw journal is not read here)
   */
  public JournalApi(
      final JournalStates journal,
      final ProblemQueries problems,
      final ApiGuard guard,
      final Runnable wakeProcessor) {
    this.journal = journal;
    this.problems = problems;
    this.guard = guard;
    this.wakeProcessor = wakeProcessor;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .get(
            "/api/v1/journal",
            guard.guarded(
                List.of("state", "with_problems", "limit", "cursor"), this::journalEntries))
        .post("/api/v1/journal/replay", guard.guarded(this::replayMany))
        .get("/api/v1/journal/{id}", guard.guarded(PAGED, this::journalEntry))
        .get("/api/v1/journal/{id}/problems", guard.guarded(PAGED, this::entryProblems))
        .post("/api/v1/journal/{id}/replay", guard.guarded(this::replayOne));
  }

  private void journalEntries(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final boolean withProblems = withProblems(request);
    final String state = request.query().first("state").orElse(withProblems ? "applied" : "failed");
    if (!JOURNAL_STATES.contains(state)) {
      throw new BadRequestException(
          "state must be one of pending, applied, duplicate, failed, rejected; was '"
              + state
              + "'");
    }
    if (withProblems && !state.equals("applied")) {
      throw new BadRequestException(
          "with_problems lists applied entries with items that were not applied; leave state"
              + " out or give state=applied, was '"
              + state
              + "'");
    }
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final long after =
        request
            .query()
            .first("cursor")
            .map(text -> Cursor.decode(text, "journal", 1).longAt(0))
            .orElse(0L);
    final List<JournalSummary> entries =
        withProblems
            ? journal.appliedWithProblems(after, limit + 1)
            : journal.entries(state, after, limit + 1);
    final boolean more = entries.size() > limit;
    final List<JournalSummary> page = more ? entries.subList(0, limit) : entries;
    final List<Long> ids = page.stream().map(JournalSummary::id).toList();
    final Map<Long, Integer> counts = problems.counts(ids);
    final Map<Long, List<ProblemView>> first = problems.firstOf(ids, PROBLEMS_IN_LIST);
    final List<Map<String, Object>> json = new ArrayList<>();
    for (final JournalSummary entry : page) {
      json.add(
          JournalJson.inList(
              entry,
              counts.getOrDefault(entry.id(), 0),
              first.getOrDefault(entry.id(), List.of())));
    }
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", json);
    body.put(
        "next_cursor",
        more
            ? new Cursor("journal", List.of(String.valueOf(page.get(page.size() - 1).id())))
                .encode()
            : null);
    Replies.json(response, Status.OK_200, body);
  }

  private static boolean withProblems(final ServerRequest request) {
    final String text = request.query().first("with_problems").orElse("false");
    return switch (text) {
      case "true" -> true;
      case "false", "" -> false;
      default ->
          throw new BadRequestException("with_problems must be true or false, was '" + text + "'");
    };
  }

  /** The entry with its headers and a page of its problems ({@code limit}, {@code cursor}). */
  private void journalEntry(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final JournalSummary entry = existingEntry(request);
    final long id = entry.id();
    final Page<ProblemView, Integer> page = problemPage(request, id);
    Replies.json(
        response,
        Status.OK_200,
        JournalJson.detail(
            entry,
            problems.counts(List.of(id)).getOrDefault(id, 0),
            page.items(),
            problemsCursor(page)));
  }

  private void entryProblems(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final long id = existingEntry(request).id();
    final Page<ProblemView, Integer> page = problemPage(request, id);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("journal_id", id);
    body.put("problem_count", problems.counts(List.of(id)).getOrDefault(id, 0));
    body.put("problems", page.items().stream().map(JournalJson::problem).toList());
    body.put("next_cursor", problemsCursor(page));
    Replies.json(response, Status.OK_200, body);
  }

  private Page<ProblemView, Integer> problemPage(final ServerRequest request, final long id)
      throws SQLException {
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final int after =
        request.query().first("cursor").map(JournalApi::problemAfter).orElse(ProblemQueries.FIRST);
    return problems.page(id, after, limit);
  }

  // the place of the last problem of the page before, in the order they were found
  private static int problemAfter(final String text) {
    final long after = Cursor.decode(text, "problems", 1).longAt(0);
    if (after < ProblemQueries.FIRST || after > Integer.MAX_VALUE) {
      throw new BadRequestException("cursor '" + text + "' is not a cursor this API handed out");
    }
    return (int) after;
  }

  private static String problemsCursor(final Page<ProblemView, Integer> page) {
    return page.next() == null
        ? null
        : new Cursor("problems", List.of(Integer.toString(page.next()))).encode();
  }

  private JournalSummary existingEntry(final ServerRequest request) throws SQLException {
    final long id = ApiGuard.wholeNumber(request.path().pathParameters().get("id"), "journal id");
    return journal
        .summary(id)
        .orElseThrow(() -> new ApiGuard.NotFoundException("no journal entry " + id));
  }

  private void replayOne(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final long id = existingEntry(request).id();
    if (!journal.replay(id)) {
      throw new BadRequestException(
          "journal entry "
              + id
              + " is not applied or failed: duplicates, rejected and pending entries are not replayed");
    }
    wakeProcessor.run();
    Replies.json(response, Status.ACCEPTED_202, Map.of("replayed", 1));
  }

  private void replayMany(final ServerRequest request, final ServerResponse response)
      throws SQLException, IOException {
    final JsonNode body;
    try (InputStream in = request.content().inputStream()) {
      final byte[] bytes = in.readNBytes(MAX_REPLAY_BODY + 1);
      if (bytes.length > MAX_REPLAY_BODY) {
        throw new BadRequestException("the body must be a small JSON object");
      }
      body = bytes.length == 0 ? null : JSON.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException invalid) {
      throw new BadRequestException("the body is not JSON: " + invalid.getOriginalMessage());
    }
    final int replayed;
    if (body != null && body.path("state").asText("").equals("failed")) {
      replayed = journal.replayFailed();
    } else if (body != null
        && body.path("from").canConvertToLong()
        && body.path("to").canConvertToLong()
        && body.path("from").isIntegralNumber()
        && body.path("to").isIntegralNumber()) {
      final long from = body.get("from").asLong();
      final long to = body.get("to").asLong();
      if (from > to) {
        throw new BadRequestException("from (" + from + ") must not be after to (" + to + ")");
      }
      replayed = journal.replayRange(from, to);
    } else {
      throw new BadRequestException(
          "the body must be {\"state\": \"failed\"} or {\"from\": <id>, \"to\": <id>}");
    }
    wakeProcessor.run();
    Replies.json(response, Status.ACCEPTED_202, Map.of("replayed", replayed));
  }
}
