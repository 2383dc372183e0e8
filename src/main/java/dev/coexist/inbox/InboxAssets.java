package dev.coexist.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The inbox's static files, read once from a classpath folder and kept in memory (they are a few
 * kilobytes). Only plain names with a known extension are looked up, so no request can reach
 * another resource with {@code ..} or a nested path.
 */
final class InboxAssets {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|css|js|svg)");
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml");

  /** A file with its content type and entity tag. */
  record Asset(byte[] bytes, String contentType, String etag) {}

  private final String folder;
  // only files that exist are kept, so requests for made-up names cannot grow the map
  private final Map<String, Asset> loaded = new ConcurrentHashMap<>();

  InboxAssets(final String folder) {
    this.folder = folder;
  }

  Optional<Asset> find(final String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    final Asset known = loaded.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    final Optional<Asset> found = load(name);
    found.ifPresent(asset -> loaded.put(name, asset));
    return found;
  }

  private Optional<Asset> load(final String name) {
    try (InputStream in =
        InboxAssets.class.getClassLoader().getResourceAsStream(folder + "/" + name)) {
      if (in == null) {
        return Optional.empty();
      }
      final byte[] bytes = in.readAllBytes();
      final String extension = name.substring(name.lastIndexOf('.') + 1);
      return Optional.of(new Asset(bytes, CONTENT_TYPES.get(extension), etag(bytes)));
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }

  private static String etag(final byte[] bytes) {
    try {
      final byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
