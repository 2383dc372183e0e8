package dev.coexist.api;

import dev.coexist.store.ActionView;
import dev.coexist.store.ContactView;
import dev.coexist.store.MessageCursor;
import dev.coexist.store.MessagePage;
import dev.coexist.store.MessageView;
import dev.coexist.store.NumberView;
import dev.coexist.store.Page;
import dev.coexist.store.ResourceJson;
import dev.coexist.store.StoreQueries;
import dev.coexist.store.ThreadCursor;
import dev.coexist.store.ThreadView;
import dev.coexist.web.Replies;
import io.helidon.http.HeaderNames;
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

/**
 * The JSON read API v1 of openapi.yaml: numbers, threads, messages and contacts (the journal is
 * {@link JournalApi}). Every route needs a bearer API key; every error is JSON with a reason.
 */
public final class ReadApi {
  private static final List<String> PAGED = List.of("limit", "cursor");

  private final StoreQueries queries;
  private final ApiGuard guard;
  private final byte[] openApi;

  public ReadApi(final StoreQueries queries, final ApiGuard guard) {
    this.queries = queries;
    this.guard = guard;
    this.openApi = openApiDocument();
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .get("/openapi.yaml", this::openApi)
        .get("/api/v1/numbers", guard.guarded(PAGED, this::numbers))
        .get("/api/v1/numbers/{number}", guard.guarded(List.of(), this::number))
        .get(
            "/api/v1/numbers/{number}/threads",
            guard.guarded(ThreadFilters.PARAMETERS, this::threads))
        .get(
            "/api/v1/numbers/{number}/threads/{thread}/messages",
            guard.guarded(List.of("limit", "before", "after"), this::messages))
        .get("/api/v1/numbers/{number}/contacts", guard.guarded(PAGED, this::contacts))
        .get("/api/v1/messages/{wamid}", guard.guarded(List.of(), this::message));
    new SearchApi(queries, guard).register(routing);
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
    final List<NumberView> all = queries.numbers().all();
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
      page.add(ResourceJson.number(number));
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
        queries
            .numbers()
            .find(id)
            .orElseThrow(() -> new ApiGuard.NotFoundException("no phone number " + id));
    Replies.json(response, Status.OK_200, ResourceJson.number(number));
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
    final Page<ThreadView, ThreadCursor> page =
        queries.threads().page(number, ThreadFilters.of(request), after, limit);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("threads", page.items().stream().map(ResourceJson::thread).toList());
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
    final long threadId =
        ApiGuard.wholeNumber(request.path().pathParameters().get("thread"), "thread id");
    queries
        .threads()
        .find(number, threadId)
        .orElseThrow(
            () -> new ApiGuard.NotFoundException("no thread " + threadId + " in number " + number));
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final MessageCursor before = messageCursor(request, "before");
    final MessageCursor after = messageCursor(request, "after");
    if (before != null && after != null) {
      throw new BadRequestException("give either before or after, not both");
    }
    // no cursor: the newest page, which is the page before the end
    final MessagePage page =
        queries
            .messages()
            .page(
                number,
                threadId,
                before == null && after == null
                    ? new MessageCursor(Long.MAX_VALUE, Long.MAX_VALUE)
                    : before,
                after,
                limit);
    final Map<String, List<ActionView>> reactions =
        queries
            .messages()
            .reactions(number, page.messages().stream().map(MessageView::wamid).toList());
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "messages",
        page.messages().stream()
            .map(
                message ->
                    ResourceJson.message(
                        message, reactions.getOrDefault(message.wamid(), List.of())))
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
    final Page<ContactView, Long> page = queries.contacts().page(number, after, limit);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("contacts", page.items().stream().map(ResourceJson::contact).toList());
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
    final var detail = queries.messages().find(wamid);
    if (detail.isPresent()) {
      Replies.json(response, Status.OK_200, ResourceJson.messageDetail(detail.get()));
      return;
    }
    // a reaction is a message of its own too, kept with what it reacts to
    final var reaction =
        queries
            .messages()
            .reaction(wamid)
            .orElseThrow(() -> new ApiGuard.NotFoundException("no message " + wamid));
    Replies.json(response, Status.OK_200, ResourceJson.reaction(reaction));
  }

  /** The number of the path, or a 404. */
  static String existingNumber(final StoreQueries queries, final String number)
      throws SQLException {
    if (queries.numbers().find(number).isEmpty()) {
      throw new ApiGuard.NotFoundException("no phone number " + number);
    }
    return number;
  }

  private String existingNumber(final ServerRequest request) throws SQLException {
    final String number = request.path().pathParameters().get("number");
    if (queries.numbers().find(number).isEmpty()) {
      throw new ApiGuard.NotFoundException("no phone number " + number);
    }
    return number;
  }

  private static byte[] openApiDocument() {
    try (InputStream in = ReadApi.class.getResourceAsStream("/openapi.yaml")) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException missing) {
      throw new IllegalStateException("openapi.yaml is missing from the classpath", missing);
    }
  }
}
