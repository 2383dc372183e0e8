package dev.coexist.inbox;

import dev.coexist.web.Replies;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Optional;

/**
 * The web inbox: {@code /} is its page and {@code /inbox/NAME} its stylesheet and ES modules, read
 * from the classpath folder {@code inbox/}. Every answer carries a strict Content-Security-Policy:
 * the page runs only its own scripts and talks only to this server, so even text that slipped into
 * markup could not load or run anything.
 */
public final class InboxRoutes {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
          + " form-action 'self'";

  /** Sent with every inbox answer, the 404s included. */
  private static final Map<HeaderName, String> SECURITY_HEADERS =
      Map.of(
          HeaderNames.create("Content-Security-Policy"),
          CONTENT_SECURITY_POLICY,
          HeaderNames.X_CONTENT_TYPE_OPTIONS,
          "nosniff",
          HeaderNames.create("Referrer-Policy"),
          "no-referrer",
          HeaderNames.create("X-Frame-Options"),
          "DENY");

  private final InboxAssets assets;

  public InboxRoutes() {
    this(new InboxAssets("inbox"));
  }

  InboxRoutes(final InboxAssets assets) {
    this.assets = assets;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .get("/", (request, response) -> serve("index.html", request, response))
        .get(
            "/inbox/{name}",
            (request, response) ->
                serve(request.path().pathParameters().get("name"), request, response));
  }

  private void serve(
      final String name, final ServerRequest request, final ServerResponse response) {
    secure(response);
    final Optional<InboxAssets.Asset> asset = assets.find(name);
    if (asset.isEmpty()) {
      Replies.error(response, Status.NOT_FOUND_404, "not_found", "no inbox file " + name);
      return;
    }
    response.header(HeaderNames.ETAG, asset.get().etag());
    // revalidated on every load, so a new build is picked up at once; unchanged files cost a 304
    response.header(HeaderNames.CACHE_CONTROL, "no-cache");
    final boolean unchanged =
        request
            .headers()
            .first(HeaderNames.IF_NONE_MATCH)
            .map(etags -> etags.contains(asset.get().etag()))
            .orElse(false);
    if (unchanged) {
      response.status(Status.NOT_MODIFIED_304);
      response.send();
      return;
    }
    response.header(HeaderNames.CONTENT_TYPE, asset.get().contentType());
    response.send(asset.get().bytes());
  }

  private static void secure(final ServerResponse response) {
    SECURITY_HEADERS.forEach(response::header);
  }
}
