package dev.coexist.store;

import java.time.Instant;

/**
 * Something about a number that needs a person: it was removed from the partner or offboarded, its
 * account broke a rule, its history import was declined or stalled, or its sends failed.
 *
 * @param kind {@code account} (PARTNER_REMOVED, ACCOUNT_OFFBOARDED), {@code account_violation},
 *     {@code account_restriction}, {@code history_declined}, {@code history_stalled}, {@code
 *     failed_sends}
 * @param severity {@code bad} (the number cannot work as it should) or {@code warn}
 * @param event the account or partner event's name, or null
 * @param reason the account update's reason, the violation's type, or null
 * @param code the error code that goes with it (history decline, newest failed send), or null
 * @param count how many (failed sends in the window), 1 for the others
 * @param at when it happened (the newest of them)
 */
public record AlertView(
    String phoneNumberId,
    String kind,
    String severity,
    String title,
    String event,
    String reason,
    Integer code,
    int count,
    Instant at) {}
