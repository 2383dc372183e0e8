package dev.coexist.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Secrets compared by their SHA-256 digests: the comparison then takes the same time whatever the
 * lengths and wherever the first differing byte is.
 */
public final class SecretDigest {
  private SecretDigest() {}

  public static byte[] of(final String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Whether {@code given} is the secret whose digest is {@code expected}, in constant time. */
  public static boolean matches(final byte[] expected, final String given) {
    return MessageDigest.isEqual(expected, of(given));
  }
}
