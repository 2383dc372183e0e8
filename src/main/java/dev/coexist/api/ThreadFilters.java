package dev.coexist.api;

import dev.coexist.store.MessageSource;
import dev.coexist.store.ThreadFilter;
import io.helidon.webserver.http.ServerRequest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The thread list's filters, read from its query parameters (openapi.yaml). */
final class ThreadFilters {
  static final List<String> PARAMETERS =
      List.of("limit", "cursor", "q", "unread", "has_failed", "awaiting_media", "origin");

  /** Longer than any name, phone or id a customer has; a longer text is a mistake. */
  static final int MAX_TEXT = 200;

  private ThreadFilters() {}

  static ThreadFilter of(final ServerRequest request) {
    final String text = request.query().first("q").map(String::strip).orElse("");
    if (text.length() > MAX_TEXT) {
      throw new BadRequestException("q is longer than " + MAX_TEXT + " characters");
    }
    return new ThreadFilter(
        text.isEmpty() ? null : text,
        QueryParameters.flag(request, "unread"),
        QueryParameters.flag(request, "has_failed"),
        QueryParameters.flag(request, "awaiting_media"),
        request
            .query()
            .first("origin")
            .filter(value -> !value.isEmpty())
            .map(ThreadFilters::origin)
            .orElse(null));
  }

  /** An origin by its name in the API ({@code origins} of a message). */
  static MessageSource origin(final String name) {
    return Arrays.stream(MessageSource.values())
        .filter(source -> source.wireName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new BadRequestException(
                    "origin must be one of "
                        + Arrays.stream(MessageSource.values())
                            .map(MessageSource::wireName)
                            .collect(Collectors.joining(", "))
                        + ", was '"
                        + name
                        + "'"));
  }
}
