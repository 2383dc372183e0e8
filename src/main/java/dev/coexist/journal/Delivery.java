package dev.coexist.journal;

import java.util.Objects;

/**
 * One webhook delivery as received, about to be journalled.
 *
 * @param route where it arrived ({@code 360dialog}, {@code whatsapp}, {@code import})
 * @param headersJson the headers that matter, as a JSON object
 * @param body the raw bytes, never re-serialised
 * @param bodySha256 lowercase hex SHA-256 of {@code body}
 * @param eventId the 360dialog envelope {@code id}, or null
 * @param rejection why the body cannot be processed (kept for inspection), or null when it can
 */
public record Delivery(
    long receivedAtMillis,
    String route,
    String headersJson,
    byte[] body,
    String bodySha256,
    String eventId,
    String rejection) {

  public Delivery {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(headersJson, "headersJson");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(bodySha256, "bodySha256");
  }

  public boolean rejected() {
    return rejection != null;
  }
}
