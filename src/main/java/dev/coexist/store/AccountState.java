package dev.coexist.store;

import java.time.Instant;

/**
 * The latest {@code account_update} of a number, e.g. {@code PARTNER_REMOVED} with reason {@code
 * PRIMARY_INACTIVITY} initiated by {@code SYSTEM}.
 */
public record AccountState(String event, String reason, String initiatedBy, Instant receivedAt) {}
