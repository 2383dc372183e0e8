package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  private static final byte[] SECRET = "platform-secret".getBytes(StandardCharsets.UTF_8);
  // accents and emoji as raw UTF-8, the way 360dialog and Meta send them
  private static final byte[] BODY =
      "{\"event\":\"history\",\"data\":{\"text\":{\"body\":\"Olá, João 👋 café\"}}}"
          .getBytes(StandardCharsets.UTF_8);

  private static byte[] hmac(final byte[] body) {
    return Signatures.hmacSha256(SECRET, body);
  }

  @Test
  void matchesTheRfc4231Vector() {
    // RFC 4231, test case 2: an independent check that the HMAC itself is right
    final byte[] mac =
        Signatures.hmacSha256(
            "Jefe".getBytes(StandardCharsets.US_ASCII),
            "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(mac))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void acceptsEveryEncodingWithOrWithoutPrefix() {
    final byte[] mac = hmac(BODY);
    final String lowerHex = HexFormat.of().formatHex(mac);
    final String upperHex = lowerHex.toUpperCase(Locale.ROOT);
    final String base64 = Base64.getEncoder().encodeToString(mac);
    final String base64Url = Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    for (final String encoded : new String[] {lowerHex, upperHex, base64, base64Url}) {
      assertThat(Signatures.check(encoded, BODY, SECRET))
          .as(encoded)
          .isEqualTo(Signatures.Check.VALID);
      assertThat(Signatures.check("sha256=" + encoded, BODY, SECRET))
          .as("sha256=" + encoded)
          .isEqualTo(Signatures.Check.VALID);
      assertThat(Signatures.check("SHA256=" + encoded, BODY, SECRET))
          .as("SHA256=" + encoded)
          .isEqualTo(Signatures.Check.VALID);
    }
    assertThat(Signatures.metaHeader(SECRET, BODY)).isEqualTo("sha256=" + lowerHex);
  }

  @Test
  void refusesAWrongSecret() {
    final String header =
        Signatures.metaHeader("another-secret".getBytes(StandardCharsets.UTF_8), BODY);
    assertThat(Signatures.check(header, BODY, SECRET)).isEqualTo(Signatures.Check.MISMATCH);
  }

  @Test
  void refusesATamperedBody() {
    final String header = Signatures.metaHeader(SECRET, BODY);
    final byte[] tampered = BODY.clone();
    tampered[tampered.length - 3] ^= 1;
    assertThat(Signatures.check(header, tampered, SECRET)).isEqualTo(Signatures.Check.MISMATCH);
  }

  @Test
  void reportsAMissingOrMalformedHeader() {
    assertThat(Signatures.check(null, BODY, SECRET)).isEqualTo(Signatures.Check.MISSING);
    assertThat(Signatures.check("  ", BODY, SECRET)).isEqualTo(Signatures.Check.MISSING);
    assertThat(Signatures.check("sha256=not-a-signature", BODY, SECRET))
        .isEqualTo(Signatures.Check.MALFORMED);
    // hex of the right alphabet but the wrong length is no HMAC-SHA256
    assertThat(Signatures.check("abcd", BODY, SECRET)).isEqualTo(Signatures.Check.MALFORMED);
  }

  @Test
  void reSerialisedJsonDoesNotVerifyWhileRawBytesDo() throws Exception {
    // the classic bug: parse, serialise again, hash that. Jackson writes the same text differently
    // (escapes, spacing), so the signature the sender made over the raw bytes no longer fits.
    final byte[] sent =
        "{ \"text\": \"Olá 👋\", \"note\": \"caf\\u00e9\" }".getBytes(StandardCharsets.UTF_8);
    final String header = Signatures.metaHeader(SECRET, sent);
    final ObjectMapper json = new ObjectMapper();
    final byte[] reserialised = json.writeValueAsBytes(json.readTree(sent));
    assertThat(reserialised).isNotEqualTo(sent);
    assertThat(Signatures.check(header, reserialised, SECRET)).isEqualTo(Signatures.Check.MISMATCH);
    assertThat(Signatures.check(header, sent, SECRET)).isEqualTo(Signatures.Check.VALID);
  }
}
