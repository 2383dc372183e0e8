package dev.coexist.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.journal.Journal;
import dev.coexist.journal.JournalSummary;
import dev.coexist.store.ActionView;
import dev.coexist.store.ContactView;
import dev.coexist.store.MessageCursor;
import dev.coexist.store.MessagePage;
import dev.coexist.store.MessageView;
import dev.coexist.store.NumberView;
import dev.coexist.store.Page;
import dev.coexist.store.StoreQueries;
import dev.coexist.store.ThreadCursor;
import dev.coexist.store.ThreadView;
import dev.coexist.web.Replies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
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
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON read API v1 of openapi.yaml: numbers, threads, messages, contacts, the journal and
 * replay. Every route needs a bearer API key; every error is JSON with a reason.
 */
public final class ReadApi {
  private static final Logger LOG = LoggerFactory.getLogger(ReadApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> JOURNAL_STATES =
      Set.of("pending", "applied", "duplicate", "failed", "rejected");
  private static final int MAX_REPLAY_BODY = 4096;

  private final StoreQueries queries;
  private final Journal journal;
  private final ApiKeys keys;
  private final Runnable wakeProcessor;
  private final byte[] openApi;

  public ReadApi(
      final StoreQueries queries,
      final Journal journal,
      final ApiKeys keys,
      final Runnable wakeProcessor) {
    this.queries = queries;
    this.journal = journal;
    this.keys = keys;
    this.wakeProcessor = wakeProcessor;
    this.openApi = openApiDocument();
  }

  /** A route that needs the API key, with every failure turned into a JSON answer. */
  @FunctionalInterface
  interface ApiHandler {
    void handle(ServerRequest request, ServerResponse response) throws SQLException, IOException;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .get("/openapi.yaml", this::openApi)
        .get("/api/v1/numbers", guarded(this::numbers))
        .get("/api/v1/numbers/{number}", guarded(this::number))
        .get("/api/v1/numbers/{number}/threads", guarded(this::threads))
        .get("/api/v1/numbers/{number}/threads/{thread}/messages", guarded(this::messages))
        .get("/api/v1/numbers/{number}/contacts", guarded(this::contacts))
        .get("/api/v1/messages/{wamid}", guarded(this::message))
        .get("/api/v1/journal", guarded(this::journalEntries))
        .post("/api/v1/journal/replay", guarded(this::replayMany))
        .post("/api/v1/journal/{id}/replay", guarded(this::replayOne));
  }

  /** Checks the API key, then runs the route; a 400, 404 or 503 carries its reason. */
  Handler guarded(final ApiHandler route) {
    return (request, response) -> {
      final Optional<String> refusal =
          keys.refusal(request.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
      if (refusal.isPresent()) {
        response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        Replies.error(response, Status.UNAUTHORIZED_401, "unauthorized", refusal.get());
        return;
      }
      try {
        route.handle(request, response);
      } catch (BadRequestException invalid) {
        Replies.error(response, Status.BAD_REQUEST_400, "bad_request", invalid.getMessage());
      } catch (NotFoundException missing) {
        Replies.error(response, Status.NOT_FOUND_404, "not_found", missing.getMessage());
      } catch (SQLException | IOException unavailable) {
        LOG.warn("Read API {} failed: {}", request.path().path(), unavailable.getMessage());
        response.header(HeaderNames.RETRY_AFTER, "5");
        Replies.error(
            response,
            Status.SERVICE_UNAVAILABLE_503,
            "unavailable",
            "the database did not answer: " + unavailable.getMessage());
      }
    };
  }

  private void openApi(final ServerRequest request, final ServerResponse response) {
    response.header(HeaderNames.CONTENT_TYPE, "application/yaml");
    response.send(openApi);
  }

  private void numbers(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final String after =
        request
            .query()
            .first("cursor")
            .map(text -> Cursor.decode(text, "numbers", 1))
            .map(cursor -> cursor.position().get(0))
            .orElse("");
    final List<NumberView> all = queries.numbers();
    final List<Map<String, Object>> page = new ArrayList<>();
    String last = null;
    boolean more = false;
    for (final NumberView number : all) {
      if (number.phoneNumberId().compareTo(after) <= 0) {
        continue;
      }
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.add(ApiJson.number(number));
      last = number.phoneNumberId();
    }
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("numbers", page);
    body.put("next_cursor", more ? new Cursor("numbers", List.of(last)).encode() : null);
    Replies.json(response, Status.OK_200, body);
  }

  private void number(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String id = request.path().pathParameters().get("number");
    final NumberView number =
        queries.number(id).orElseThrow(() -> new NotFoundException("no phone number " + id));
    Replies.json(response, Status.OK_200, ApiJson.number(number));
  }

  private void threads(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String number = existingNumber(request);
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final ThreadCursor after =
        request
            .query()
            .first("cursor")
            .map(text -> Cursor.decode(text, "threads", 2))
            .map(cursor -> new ThreadCursor(cursor.longAt(0), cursor.longAt(1)))
            .orElse(null);
    final Page<ThreadView, ThreadCursor> page = queries.threads(number, after, limit);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("threads", page.items().stream().map(ApiJson::thread).toList());
    body.put(
        "next_cursor",
        page.next() == null
            ? null
            : new Cursor(
                    "threads",
                    List.of(
                        String.valueOf(page.next().lastMessageAt()),
                        String.valueOf(page.next().threadId())))
                .encode());
    Replies.json(response, Status.OK_200, body);
  }

  private void messages(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String number = existingNumber(request);
    final long threadId = wholeNumber(request.path().pathParameters().get("thread"), "thread id");
    queries
        .thread(number, threadId)
        .orElseThrow(() -> new NotFoundException("no thread " + threadId + " in number " + number));
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final MessageCursor before = messageCursor(request, "before");
    final MessageCursor after = messageCursor(request, "after");
    if (before != null && after != null) {
      throw new BadRequestException("give either before or after, not both");
    }
    // no cursor: the newest page, which is the page before the end
    final MessagePage page =
        queries.messages(
            number,
            threadId,
            before == null && after == null
                ? new MessageCursor(Long.MAX_VALUE, Long.MAX_VALUE)
                : before,
            after,
            limit);
    final Map<String, List<ActionView>> reactions =
        queries.reactions(number, page.messages().stream().map(MessageView::wamid).toList());
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "messages",
        page.messages().stream()
            .map(
                message ->
                    ApiJson.message(message, reactions.getOrDefault(message.wamid(), List.of())))
            .toList());
    body.put("before_cursor", page.before() == null ? null : encode(page.before()));
    // the last message's position is always handed out, so a client can ask for what comes next
    body.put(
        "after_cursor",
        page.messages().isEmpty()
            ? (after == null ? null : encode(after))
            : encode(page.messages().get(page.messages().size() - 1).cursor()));
    Replies.json(response, Status.OK_200, body);
  }

  private static MessageCursor messageCursor(final ServerRequest request, final String name) {
    return request
        .query()
        .first(name)
        .map(text -> Cursor.decode(text, "messages", 2))
        .map(cursor -> new MessageCursor(cursor.longAt(0), cursor.longAt(1)))
        .orElse(null);
  }

  private static String encode(final MessageCursor cursor) {
    return new Cursor(
            "messages", List.of(String.valueOf(cursor.sentAt()), String.valueOf(cursor.id())))
        .encode();
  }

  private void contacts(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String number = existingNumber(request);
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final long after =
        request
            .query()
            .first("cursor")
            .map(text -> Cursor.decode(text, "contacts", 1).longAt(0))
            .orElse(0L);
    final Page<ContactView, Long> page = queries.contacts(number, after, limit);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("contacts", page.items().stream().map(ApiJson::contact).toList());
    body.put(
        "next_cursor",
        page.next() == null
            ? null
            : new Cursor("contacts", List.of(String.valueOf(page.next()))).encode());
    Replies.json(response, Status.OK_200, body);
  }

  private void message(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String wamid = request.path().pathParameters().get("wamid");
    final var detail =
        queries.message(wamid).orElseThrow(() -> new NotFoundException("no message " + wamid));
    Replies.json(response, Status.OK_200, ApiJson.messageDetail(detail));
  }

  private void journalEntries(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String state = request.query().first("state").orElse("failed");
    if (!JOURNAL_STATES.contains(state)) {
      throw new BadRequestException(
          "state must be one of pending, applied, duplicate, failed, rejected; was '"
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
    final List<JournalSummary> entries = journal.entries(state, after, limit + 1);
    final boolean more = entries.size() > limit;
    final List<JournalSummary> page = more ? entries.subList(0, limit) : entries;
    final List<Map<String, Object>> json = new ArrayList<>();
    for (final JournalSummary entry : page) {
      json.add(ApiJson.journalEntry(entry, queries.problems(entry.id())));
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

  private void replayOne(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final long id = wholeNumber(request.path().pathParameters().get("id"), "journal id");
    if (journal.find(id).isEmpty()) {
      throw new NotFoundException("no journal entry " + id);
    }
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

  private String existingNumber(final ServerRequest request) throws SQLException {
    final String number = request.path().pathParameters().get("number");
    if (queries.number(number).isEmpty()) {
      throw new NotFoundException("no phone number " + number);
    }
    return number;
  }

  private static long wholeNumber(final String text, final String what) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notANumber) {
      throw new BadRequestException(what + " must be a whole number, was '" + text + "'");
    }
  }

  private static byte[] openApiDocument() {
    try (InputStream in = ReadApi.class.getResourceAsStream("/openapi.yaml")) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException missing) {
      throw new IllegalStateException("openapi.yaml is missing from the classpath", missing);
    }
  }

  /** No such resource: answered 404 with this reason. */
  static final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFoundException(final String reason) {
      super(reason);
    }
  }
}
