package dev.coexist.store;

import java.time.Instant;

/**
 * A business phone number with its sync states.
 *
 * @param account the latest account update, null when none arrived
 */
public record NumberView(
    String phoneNumberId,
    String displayPhoneNumber,
    String wabaId,
    Instant firstSeenAt,
    Instant lastSeenAt,
    AccountState account,
    HistorySync history,
    ContactsSync contacts) {}
