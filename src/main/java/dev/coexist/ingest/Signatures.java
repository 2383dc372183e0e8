package dev.coexist.ingest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures over the raw body, as 360dialog ({@code x-360dialog-signature}) and Meta
 * ({@code X-Hub-Signature-256}) send them. The encoding of 360dialog's header is not documented, so
 * lowercase or uppercase hex and base64 (standard or URL-safe, padded or not) are all accepted,
 * each with or without a {@code sha256=} prefix. Always over the bytes as received: hashing
 * re-serialised JSON breaks on accents and emoji.
 */
public final class Signatures {
  private static final String PREFIX = "sha256=";
  private static final int HMAC_LENGTH = 32;

  private Signatures() {}

  /** The outcome of checking one signature header. */
  public enum Check {
    VALID,
    MISSING,
    MALFORMED,
    MISMATCH,
    /** Looks like a signature; only the body can say whether it is valid ({@link #checkForm}). */
    WELL_FORMED
  }

  public static Check check(final String headerValue, final byte[] body, final byte[] secret) {
    if (headerValue == null || headerValue.isBlank()) {
      return Check.MISSING;
    }
    final byte[] claimed = decode(headerValue.trim());
    if (claimed == null) {
      return Check.MALFORMED;
    }
    // constant time: the comparison does not stop at the first differing byte
    return MessageDigest.isEqual(claimed, hmacSha256(secret, body)) ? Check.VALID : Check.MISMATCH;
  }

  /**
   * Whether a header value could be a signature at all, before the body is there: {@link
   * Check#WELL_FORMED}, {@link Check#MISSING} or {@link Check#MALFORMED}.
   */
  public static Check checkForm(final String headerValue) {
    if (headerValue == null || headerValue.isBlank()) {
      return Check.MISSING;
    }
    return decode(headerValue.trim()) == null ? Check.MALFORMED : Check.WELL_FORMED;
  }

  public static byte[] hmacSha256(final byte[] secret, final byte[] body) {
    try {
      final Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException impossible) {
      // HmacSHA256 is in every JDK and any byte array is a valid HMAC key
      throw new IllegalStateException(impossible);
    }
  }

  /** The header value Meta would send for this body: {@code sha256=<lowercase hex>}. */
  public static String metaHeader(final byte[] secret, final byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmacSha256(secret, body));
  }

  static byte[] secretBytes(final String secret) {
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] decode(final String value) {
    String encoded = value;
    if (encoded.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      encoded = encoded.substring(PREFIX.length()).trim();
    }
    if (encoded.length() == HMAC_LENGTH * 2 && encoded.matches("[0-9a-fA-F]+")) {
      return HexFormat.of().parseHex(encoded.toLowerCase(Locale.ROOT));
    }
    final byte[] base64 = decodeBase64(encoded);
    return base64 != null && base64.length == HMAC_LENGTH ? base64 : null;
  }

  private static byte[] decodeBase64(final String encoded) {
    try {
      final boolean urlSafe = encoded.indexOf('-') >= 0 || encoded.indexOf('_') >= 0;
      return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(encoded);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }
}
