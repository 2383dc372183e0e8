package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.Config;
import dev.coexist.config.ConfigKey;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WebhookAuthenticatorTest {
  private static final byte[] BODY =
      "{\"event\":\"history\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);

  private static WebhookAuthenticator authenticator(final Object... keysAndValues) {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    for (int index = 0; index < keysAndValues.length; index += 2) {
      raw.put((ConfigKey) keysAndValues[index], List.of((String) keysAndValues[index + 1]));
    }
    return new WebhookAuthenticator(Config.parse(raw));
  }

  private static Function<String, String> headers(final String... namesAndValues) {
    final Map<String, String> headers = new java.util.HashMap<>();
    for (int index = 0; index < namesAndValues.length; index += 2) {
      headers.put(namesAndValues[index], namesAndValues[index + 1]);
    }
    return headers::get;
  }

  private static String sign(final String secret) {
    return Signatures.metaHeader(secret.getBytes(StandardCharsets.UTF_8), BODY);
  }

  @Test
  void withoutSchemesEveryDeliveryPasses() {
    assertThat(authenticator().check(headers(), BODY)).isEmpty();
  }

  @Test
  void partnerSignaturePasses() {
    final var check =
        authenticator(ConfigKey.PARTNER_SECRET, "p")
            .check(headers("x-360dialog-signature", sign("p")), BODY);
    assertThat(check).isEmpty();
  }

  @Test
  void appSignaturePasses() {
    final var check =
        authenticator(ConfigKey.APP_SECRET, "a")
            .check(headers("x-hub-signature-256", sign("a")), BODY);
    assertThat(check).isEmpty();
  }

  @Test
  void headerSecretPassesAndFails() {
    final WebhookAuthenticator authenticator =
        authenticator(ConfigKey.HEADER_SECRET, "X-Coexist-Secret:open sesame");
    assertThat(authenticator.check(headers("x-coexist-secret", "open sesame"), BODY)).isEmpty();
    final Optional<WebhookAuthenticator.Refusal> wrong =
        authenticator.check(headers("x-coexist-secret", "open sesame!"), BODY);
    assertThat(wrong)
        .get()
        .extracting(WebhookAuthenticator.Refusal::reason)
        .isEqualTo("invalid_header_secret");
    final Optional<WebhookAuthenticator.Refusal> missing = authenticator.check(headers(), BODY);
    assertThat(missing)
        .get()
        .extracting(WebhookAuthenticator.Refusal::reason)
        .isEqualTo("missing_credentials");
    assertThat(missing.get().message()).isEqualTo("header X-Coexist-Secret is missing");
  }

  @Test
  void anyConfiguredSchemeIsEnough() {
    final WebhookAuthenticator authenticator =
        authenticator(ConfigKey.PARTNER_SECRET, "p", ConfigKey.APP_SECRET, "a");
    assertThat(authenticator.check(headers("x-hub-signature-256", sign("a")), BODY)).isEmpty();
    assertThat(authenticator.check(headers("x-360dialog-signature", sign("p")), BODY)).isEmpty();
  }

  @Test
  void aWrongSignatureOutranksAMissingOne() {
    final WebhookAuthenticator authenticator =
        authenticator(ConfigKey.PARTNER_SECRET, "p", ConfigKey.APP_SECRET, "a");
    final var refusal = authenticator.check(headers("x-hub-signature-256", sign("wrong")), BODY);
    assertThat(refusal).isPresent();
    assertThat(refusal.get().reason()).isEqualTo("invalid_signature");
    assertThat(refusal.get().message())
        .contains("header x-360dialog-signature is missing")
        .contains("X-Hub-Signature-256 does not match the body");
  }

  @Test
  void aMalformedSignatureIsNamed() {
    final var refusal =
        authenticator(ConfigKey.PARTNER_SECRET, "p")
            .check(headers("x-360dialog-signature", "xyz"), BODY);
    assertThat(refusal)
        .get()
        .extracting(WebhookAuthenticator.Refusal::reason)
        .isEqualTo("malformed_signature");
  }

  @Test
  void whatTheHeadersAloneDecide() {
    final WebhookAuthenticator authenticator =
        authenticator(
            ConfigKey.PARTNER_SECRET,
            "p",
            ConfigKey.APP_SECRET,
            "a",
            ConfigKey.HEADER_SECRET,
            "X-Coexist-Secret:s");
    // nothing that could pass: refused before the body is read
    final var missing = authenticator.checkBeforeBody(headers());
    assertThat(missing)
        .get()
        .extracting(WebhookAuthenticator.Refusal::reason)
        .isEqualTo("missing_credentials");
    final var malformed =
        authenticator.checkBeforeBody(
            headers("x-360dialog-signature", "xyz", "x-coexist-secret", "wrong"));
    assertThat(malformed)
        .get()
        .extracting(WebhookAuthenticator.Refusal::reason)
        .isEqualTo("malformed_signature");
    // a well-formed signature needs the body to tell; the right static header needs nothing more
    assertThat(authenticator.checkBeforeBody(headers("x-hub-signature-256", sign("wrong"))))
        .isEmpty();
    assertThat(authenticator.checkBeforeBody(headers("x-coexist-secret", "s"))).isEmpty();
    assertThat(authenticator().checkBeforeBody(headers())).isEmpty();
  }
}
