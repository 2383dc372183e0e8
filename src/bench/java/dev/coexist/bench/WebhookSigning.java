package dev.coexist.bench;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks signatures as the bench's receiver checks them and its ceiling makes them. */
final class WebhookSigning {
  private static final int KEY_BYTES = 32;

  private WebhookSigning() {}

  /** A new secret: {@code whsec_} and 32 random bytes in base64, as Coexist generates them. */
  static String newSecret() {
    final byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  /** A MAC keyed by the base64-decoded part of {@code secret} after {@code whsec_}. */
  static Mac mac(final String secret) {
    try {
      final Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException unavailable) {
      throw new IllegalStateException("HmacSHA256 unavailable", unavailable);
    }
  }

  /** {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}. */
  static String sign(
      final Mac prototype, final String id, final String timestamp, final byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(digest(prototype, id, timestamp, body));
  }

  /** Whether one of the space-separated signatures is the {@code v1} signature of the request. */
  static boolean verifies(
      final Mac prototype,
      final String id,
      final String timestamp,
      final byte[] body,
      final String signatures) {
    final byte[] expected = digest(prototype, id, timestamp, body);
    for (final String signature : signatures.split(" ")) {
      if (!signature.startsWith("v1,")) {
        continue;
      }
      final byte[] given;
      try {
        given = Base64.getDecoder().decode(signature.substring("v1,".length()));
      } catch (IllegalArgumentException notBase64) {
        continue;
      }
      if (MessageDigest.isEqual(given, expected)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] digest(
      final Mac prototype, final String id, final String timestamp, final byte[] body) {
    final Mac mac = copy(prototype);
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    mac.update(body);
    return mac.doFinal();
  }

  private static Mac copy(final Mac prototype) {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException notCloneable) {
      throw new IllegalStateException("HmacSHA256 cannot be cloned", notCloneable);
    }
  }
}
