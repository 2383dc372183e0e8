package dev.coexist.bench;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A static header a webhook request carries, written {@code NAME:VALUE} on the command line. */
record HeaderSecret(String name, String value) {

  static final String DEFAULT_NAME = "X-Coexist-Secret";

  HeaderSecret {
    if (!name.matches("[A-Za-z0-9-]+")) {
      throw new IllegalArgumentException("bad header name: " + name);
    }
    if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new IllegalArgumentException("header value must be printable ASCII and not empty");
    }
  }

  static HeaderSecret parse(String text) {
    final int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected NAME:VALUE, got " + text);
    }
    return new HeaderSecret(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
  }

  static HeaderSecret random() {
    final byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return new HeaderSecret(DEFAULT_NAME, HexFormat.of().formatHex(bytes));
  }

  /** How {@code coexist serve --header-secret} takes it. */
  String asOption() {
    return name + ":" + value;
  }
}
