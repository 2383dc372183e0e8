package dev.coexist.ingest;

import dev.coexist.config.Config;
import dev.coexist.web.SecretDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether a delivery comes from the partner's configured sender. Every configured scheme
 * applies to both webhook routes and one valid credential is enough: 360dialog signs partner-URL
 * events, Meta signs what it sends directly, and a custom header can be set on any 360dialog
 * webhook. With no scheme configured every delivery passes (start-up allows that on loopback only).
 */
public final class WebhookAuthenticator {
  public static final String DIALOG_SIGNATURE = "x-360dialog-signature";
  public static final String META_SIGNATURE = "x-hub-signature-256";

  private final Optional<byte[]> partnerSecret;
  private final Optional<byte[]> appSecret;
  private final Optional<Config.HeaderSecret> headerSecret;
  private final Optional<byte[]> headerSecretDigest;

  public WebhookAuthenticator(final Config config) {
    this.partnerSecret = config.partnerSecret().map(Signatures::secretBytes);
    this.appSecret = config.appSecret().map(Signatures::secretBytes);
    this.headerSecret = config.headerSecret();
    this.headerSecretDigest = headerSecret.map(secret -> SecretDigest.of(secret.value()));
  }

  /**
   * A rejected delivery: a short reason for counters and the log, and a sentence for the log. The
   * sender hears neither: they would tell a stranger which schemes and headers are configured.
   */
  public record Refusal(String reason, String message) {}

  /**
   * What can be decided before the body is read: a refusal when no configured scheme can accept
   * this delivery whatever its body is (every signature header missing or malformed, the static
   * header missing or wrong), so that such a request is refused without buffering its body.
   *
   * @param header looks up a request header by lower-case name, null when absent
   * @return empty when the body may still authenticate the delivery, else why it cannot
   */
  public Optional<Refusal> checkBeforeBody(final Function<String, String> header) {
    if (partnerSecret.isEmpty() && appSecret.isEmpty() && headerSecret.isEmpty()) {
      return Optional.empty();
    }
    final List<Refusal> refusals = new ArrayList<>(3);
    if (partnerSecret.isPresent()) {
      final var check = Signatures.checkForm(header.apply(DIALOG_SIGNATURE));
      if (check == Signatures.Check.WELL_FORMED) {
        return Optional.empty();
      }
      refusals.add(signatureRefusal(check, DIALOG_SIGNATURE));
    }
    if (appSecret.isPresent()) {
      final var check = Signatures.checkForm(header.apply(META_SIGNATURE));
      if (check == Signatures.Check.WELL_FORMED) {
        return Optional.empty();
      }
      refusals.add(signatureRefusal(check, "X-Hub-Signature-256"));
    }
    if (headerSecret.isPresent()) {
      final Optional<Refusal> refusal = checkHeaderSecret(header);
      if (refusal.isEmpty()) {
        return Optional.empty();
      }
      refusals.add(refusal.get());
    }
    return Optional.of(combine(refusals));
  }

  /**
   * Checks a delivery.
   *
   * @param header looks up a request header by lower-case name, null when absent
   * @return empty when the delivery is authentic, else why not
   */
  public Optional<Refusal> check(final Function<String, String> header, final byte[] body) {
    if (partnerSecret.isEmpty() && appSecret.isEmpty() && headerSecret.isEmpty()) {
      return Optional.empty();
    }
    final List<Refusal> refusals = new ArrayList<>(3);
    if (partnerSecret.isPresent()) {
      final var check = Signatures.check(header.apply(DIALOG_SIGNATURE), body, partnerSecret.get());
      if (check == Signatures.Check.VALID) {
        return Optional.empty();
      }
      refusals.add(signatureRefusal(check, DIALOG_SIGNATURE));
    }
    if (appSecret.isPresent()) {
      final var check = Signatures.check(header.apply(META_SIGNATURE), body, appSecret.get());
      if (check == Signatures.Check.VALID) {
        return Optional.empty();
      }
      refusals.add(signatureRefusal(check, "X-Hub-Signature-256"));
    }
    if (headerSecret.isPresent()) {
      final Optional<Refusal> refusal = checkHeaderSecret(header);
      if (refusal.isEmpty()) {
        return Optional.empty();
      }
      refusals.add(refusal.get());
    }
    return Optional.of(combine(refusals));
  }

  private Optional<Refusal> checkHeaderSecret(final Function<String, String> header) {
    final String name = headerSecret.orElseThrow().name();
    final String given = header.apply(name.toLowerCase(java.util.Locale.ROOT));
    if (given == null) {
      return Optional.of(new Refusal("missing_credentials", "header " + name + " is missing"));
    }
    if (SecretDigest.matches(headerSecretDigest.orElseThrow(), given.trim())) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal("invalid_header_secret", "header " + name + " has the wrong value"));
  }

  private static Refusal signatureRefusal(final Signatures.Check check, final String headerName) {
    return switch (check) {
      case MISSING -> new Refusal("missing_credentials", "header " + headerName + " is missing");
      case MALFORMED ->
          new Refusal(
              "malformed_signature",
              headerName + " is neither hex nor base64 of a 32-byte HMAC-SHA256");
      case MISMATCH ->
          new Refusal(
              "invalid_signature",
              headerName + " does not match the body (wrong secret, or the body was altered)");
      case VALID, WELL_FORMED ->
          throw new IllegalArgumentException("a valid signature is no refusal: " + check);
    };
  }

  /** The most telling refusal leads: a wrong credential says more than a missing one. */
  private static Refusal combine(final List<Refusal> refusals) {
    final Refusal lead =
        refusals.stream()
            .filter(refusal -> !refusal.reason().equals("missing_credentials"))
            .findFirst()
            .orElse(refusals.get(0));
    final String message = String.join("; ", refusals.stream().map(Refusal::message).toList());
    return new Refusal(lead.reason(), message);
  }
}
