package dev.coexist.store;

import java.time.Instant;

/** One reported status of a message, as received. */
public record StatusView(
    String status,
    Instant at,
    String recipientPhone,
    String recipientUserId,
    String errorsJson,
    String pricingJson,
    String bizOpaqueCallbackData) {}
