package dev.coexist.changes;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks 1.0 signatures: {@code v1,<base64 of HMAC-SHA256 over
 * "{id}.{timestamp}.{body}">}, keyed by the base64-decoded part of a {@code whsec_} secret, as the
 * Standard Webhooks libraries verify them; several signatures, space separated, while a rotated
 * secret still signs.
 */
public final class WebhookSigner {
  static final String PREFIX = "whsec_";
  private static final int GENERATED_KEY_BYTES = 32;
  private static final int SHORTEST_KEY_BYTES = 16;
  private static final int LONGEST_KEY_BYTES = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSigner() {}

  /** A new secret: {@code whsec_} and 32 random bytes in base64. */
  public static String newSecret() {
    final byte[] key = new byte[GENERATED_KEY_BYTES];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The key of a secret; throws {@link IllegalArgumentException} saying what is wrong with it. */
  public static byte[] key(final String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a secret starts with whsec_ followed by base64");
    }
    final byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    } catch (IllegalArgumentException notBase64) {
      throw new IllegalArgumentException("the part of the secret after whsec_ is not base64");
    }
    if (key.length < SHORTEST_KEY_BYTES || key.length > LONGEST_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the secret's key must be "
              + SHORTEST_KEY_BYTES
              + " to "
              + LONGEST_KEY_BYTES
              + " bytes, was "
              + key.length);
    }
    return key;
  }

  /** The {@code webhook-signature} header: one {@code v1,} signature per secret, in order. */
  public static String signature(
      final List<String> secrets, final String id, final long timestamp, final byte[] body) {
    final byte[] signed = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    final StringBuilder header = new StringBuilder();
    for (final String secret : secrets) {
      final Mac mac = mac(key(secret));
      mac.update(signed);
      mac.update(body);
      if (!header.isEmpty()) {
        header.append(' ');
      }
      header.append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal()));
    }
    return header.toString();
  }

  private static Mac mac(final byte[] key) {
    try {
      final Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException unavailable) {
      // every Java runtime has HmacSHA256, and any key length is valid for it
      throw new IllegalStateException("HmacSHA256 unavailable", unavailable);
    }
  }
}
