package dev.coexist.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers the server sends by itself — a request it cannot parse, a path nothing serves, an
 * exception no route caught — in the same JSON shape as every other error: {@code {"error",
 * "reason"}}.
 */
public final class ErrorReplies {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The version at the end of what Helidon reports as a bad request's protocol: {@code HTTP/2.0/}
   * or, as Helidon 4.5 reports it, the whole request line then a slash. Helidon calls every version
   * but 1.1 (and 1.0, which it answers 505) a bad request; HTTP says 505 for a version not served.
   */
  private static final Pattern VERSION = Pattern.compile("(?:.* )?HTTP/(\\d+(?:\\.\\d+)?)/?");

  private ErrorReplies() {}

  /** For the errors Helidon answers before any route runs (bad request line, 505, 431...). */
  public static DirectHandlers directHandlers() {
    final DirectHandlers.Builder handlers = DirectHandlers.builder();
    for (final DirectHandler.EventType type : DirectHandler.EventType.values()) {
      handlers.addHandler(type, new JsonDirectHandler());
    }
    return handlers.build();
  }

  /**
   * Registers, last, the answer to a path no route serves, and the answer to an exception that
   * escaped a route.
   */
  public static void registerFallbacks(final HttpRouting.Builder routing) {
    routing.any(
        (request, response) ->
            Replies.error(
                response,
                Status.NOT_FOUND_404,
                "not_found",
                "nothing is served at "
                    + request.prologue().method().text()
                    + " "
                    + request.path().path()));
    routing.error(
        HttpException.class,
        (request, response, failure) -> {
          if (!response.isSent()) {
            Replies.error(response, failure.status(), code(failure.status()), reason(failure));
          }
        });
    routing.error(
        RuntimeException.class,
        (request, response, failure) -> {
          LOG.error(
              "Unhandled failure on {} {}",
              request.prologue().method().text(),
              request.path().path(),
              failure);
          if (!response.isSent()) {
            Replies.error(
                response,
                Status.INTERNAL_SERVER_ERROR_500,
                "internal_error",
                "the server failed to answer this request; the failure is logged");
          }
        });
  }

  /** {@code Not Found} becomes {@code not_found}. */
  static String code(final Status status) {
    return status.reasonPhrase().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  private static String reason(final HttpException failure) {
    return failure.getMessage() == null ? failure.status().reasonPhrase() : failure.getMessage();
  }

  /** The reason given for an error the request itself caused, in words a client can act on. */
  static String reason(final Status status, final String message) {
    return switch (status.code()) {
      case 400 -> "the request is not valid HTTP/1.1 (request line, headers or framing)";
      case 414 -> "the request line is too long";
      case 431 -> "the request headers are too large";
      case 505 -> "only HTTP/1.1 and HTTP/1.0 are served";
      default -> message == null || message.isBlank() ? status.reasonPhrase() : message;
    };
  }

  static byte[] body(final Status status, final String reason) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code(status));
    body.put("reason", reason);
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  static boolean isOtherVersion(final String protocolVersion) {
    final Matcher matcher = VERSION.matcher(protocolVersion);
    return matcher.matches() && !matcher.group(1).equals("1.1") && !matcher.group(1).equals("1.0");
  }

  private static final class JsonDirectHandler implements DirectHandler {
    @Override
    public TransportResponse handle(
        final TransportRequest request,
        final EventType eventType,
        final Status defaultStatus,
        final ServerResponseHeaders responseHeaders,
        final Throwable thrown,
        final System.Logger logger) {
      // Helidon's messages may quote the request; a reason written here cannot
      final String message =
          thrown instanceof RequestException failure && !failure.safeMessage()
              ? null
              : thrown.getMessage();
      return handle(request, eventType, defaultStatus, responseHeaders, message);
    }

    @Override
    public TransportResponse handle(
        final TransportRequest request,
        final EventType eventType,
        final Status defaultStatus,
        final ServerResponseHeaders responseHeaders,
        final String message) {
      final Status status =
          defaultStatus.code() == Status.BAD_REQUEST_400.code()
                  && isOtherVersion(request.protocolVersion())
              ? Status.HTTP_VERSION_NOT_SUPPORTED_505
              : defaultStatus;
      responseHeaders.set(HeaderNames.CONTENT_TYPE, "application/json");
      return TransportResponse.builder()
          .status(status)
          .headers(responseHeaders)
          .keepAlive(eventType.keepAlive())
          .entity(body(status, reason(status, message)))
          .build();
    }
  }
}
