package dev.coexist.api;

import dev.coexist.web.UnknownParameters;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * The query parameters a read endpoint takes. A name it does not take is refused with a 400 that
 * names it: a misspelt filter ({@code ?unred=true}) would otherwise be ignored silently and answer
 * with every row, which looks right and is not.
 */
final class QueryParameters {
  private QueryParameters() {}

  /** A 400 naming every parameter of the request that is not one of {@code known}. */
  static void refuseUnknown(final ServerRequest request, final List<String> known) {
    final Optional<String> refusal = UnknownParameters.refusal(request.query().names(), known);
    if (refusal.isPresent()) {
      throw new BadRequestException(refusal.get());
    }
  }

  /** An optional true/false parameter: null when absent, a 400 when it is anything else. */
  static Boolean flag(final ServerRequest request, final String name) {
    final String text = request.query().first(name).orElse(null);
    if (text == null || text.isEmpty()) {
      return null;
    }
    return switch (text) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new BadRequestException(name + " must be true or false, was '" + text + "'");
    };
  }
}
