package dev.coexist.api;

import dev.coexist.web.SecretDigest;
import java.util.List;
import java.util.Optional;

/** The read API's keys: {@code Authorization: Bearer <key>}, compared in constant time. */
public final class ApiKeys {
  private static final String BEARER = "bearer ";

  private final List<byte[]> keyDigests;

  public ApiKeys(final List<String> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("the read API needs at least one key");
    }
    this.keyDigests = keys.stream().map(SecretDigest::of).toList();
  }

  /** Empty when the header carries a valid key, else why not. */
  public Optional<String> refusal(final String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Optional.of("missing Authorization: Bearer <api key> header");
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of("the Authorization header must be 'Bearer <api key>'");
    }
    final String given = authorization.substring(BEARER.length()).trim();
    boolean known = false;
    for (final byte[] digest : keyDigests) {
      // every key is compared, so the time taken does not tell which one was close
      known |= SecretDigest.matches(digest, given);
    }
    return known ? Optional.empty() : Optional.of("the API key is not valid");
  }
}
