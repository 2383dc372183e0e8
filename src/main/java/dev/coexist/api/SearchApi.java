package dev.coexist.api;

import dev.coexist.store.MessageCursor;
import dev.coexist.store.MessageView;
import dev.coexist.store.Page;
import dev.coexist.store.ResourceJson;
import dev.coexist.store.SearchHit;
import dev.coexist.store.SearchTerms;
import dev.coexist.store.StoreQueries;
import dev.coexist.web.Replies;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/search}: messages by their words or by wamid, newest first, each with its
 * thread and the cursors that open the thread's messages at it.
 */
final class SearchApi {
  /** Longer than any search a person types; a longer text is a mistake or an abuse. */
  static final int MAX_TEXT = 200;

  private final StoreQueries queries;
  private final ApiGuard guard;

  SearchApi(final StoreQueries queries, final ApiGuard guard) {
    this.queries = queries;
    this.guard = guard;
  }

  void register(final HttpRouting.Builder routing) {
    routing.get(
        "/api/v1/search", guard.guarded(List.of("q", "number", "limit", "cursor"), this::search));
  }

  private void search(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final String text = request.query().first("q").map(String::strip).orElse("");
    if (text.isEmpty()) {
      throw new BadRequestException("q is required: the words or the wamid to search for");
    }
    if (text.length() > MAX_TEXT) {
      throw new BadRequestException("q is longer than " + MAX_TEXT + " characters");
    }
    final String number = request.query().first("number").filter(id -> !id.isEmpty()).orElse(null);
    if (number != null) {
      ReadApi.existingNumber(queries, number);
    }
    final int limit = PageLimit.parse(request.query().first("limit").orElse(null));
    final MessageCursor after =
        request
            .query()
            .first("cursor")
            .map(cursor -> Cursor.decode(cursor, "search", 2))
            .map(cursor -> new MessageCursor(cursor.longAt(0), cursor.longAt(1)))
            .orElse(null);
    final Optional<String> wamid = SearchTerms.wamid(text);
    final Page<SearchHit, MessageCursor> page;
    if (wamid.isPresent()) {
      page =
          after == null
              ? queries.search().byWamid(wamid.get(), number)
              : new Page<>(List.of(), null);
    } else {
      final SearchTerms terms = SearchTerms.of(text);
      if (terms.isEmpty()) {
        throw new BadRequestException("q has no word to search for (letters or digits)");
      }
      page = queries.search().byWords(terms, number, after, limit);
    }
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("hits", page.items().stream().map(SearchApi::hit).toList());
    body.put(
        "next_cursor",
        page.next() == null
            ? null
            : new Cursor(
                    "search",
                    List.of(String.valueOf(page.next().sentAt()), String.valueOf(page.next().id())))
                .encode());
    Replies.json(response, Status.OK_200, body);
  }

  private static Map<String, Object> hit(final SearchHit hit) {
    final MessageView message = hit.message();
    final Map<String, Object> json = new LinkedHashMap<>();
    json.put("message", ResourceJson.message(message, List.of()));
    json.put("thread", hit.thread() == null ? null : ResourceJson.thread(hit.thread()));
    // the thread's messages around the hit: ?before= gives the page that ends with it, ?after=
    // the messages after it (the messages list's own cursors)
    final MessageCursor at = message.cursor();
    json.put(
        "messages_before",
        new Cursor("messages", List.of(String.valueOf(at.sentAt()), String.valueOf(at.id() + 1)))
            .encode());
    json.put(
        "messages_after",
        new Cursor("messages", List.of(String.valueOf(at.sentAt()), String.valueOf(at.id())))
            .encode());
    return json;
  }
}
