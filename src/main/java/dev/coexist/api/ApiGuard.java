package dev.coexist.api;

import dev.coexist.web.Replies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every API route shares (the read API's and the subscriptions'): the bearer API key is
 * checked first, and every failure becomes a JSON answer with its reason (400, 401, 404, or 503
 * when the database did not answer).
 */
public final class ApiGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ApiGuard.class);

  private final ApiKeys keys;

  public ApiGuard(final ApiKeys keys) {
    this.keys = keys;
  }

  /** A route that needs the API key, with every failure turned into a JSON answer. */
  @FunctionalInterface
  public interface ApiHandler {
    void handle(ServerRequest request, ServerResponse response) throws SQLException, IOException;
  }

  /**
   * Checks the API key and that the request has no query parameter but {@code parameters}, then
   * runs the route.
   */
  public Handler guarded(final List<String> parameters, final ApiHandler route) {
    final List<String> known = List.copyOf(parameters);
    return guarded(
        (request, response) -> {
          QueryParameters.refuseUnknown(request, known);
          route.handle(request, response);
        });
  }

  /** Checks the API key, then runs the route; a 400, 404 or 503 carries its reason. */
  public Handler guarded(final ApiHandler route) {
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
        LOG.warn("API {} failed: {}", request.path().path(), unavailable.getMessage());
        response.header(HeaderNames.RETRY_AFTER, "5");
        Replies.error(
            response,
            Status.SERVICE_UNAVAILABLE_503,
            "unavailable",
            "the database did not answer: " + unavailable.getMessage());
      }
    };
  }

  /** A path or query value that must be a whole number; 400 naming {@code what} otherwise. */
  static long wholeNumber(final String text, final String what) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notANumber) {
      throw new BadRequestException(what + " must be a whole number, was '" + text + "'");
    }
  }

  /** No such resource: answered 404 with this reason. */
  public static final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(final String reason) {
      super(reason);
    }
  }
}
