package dev.coexist.store;

import java.time.Instant;

/**
 * A contact of a number: from the business app's address book ({@code source = app_sync}) or, for
 * customers who are not in it, their WhatsApp profile name ({@code source = message_profile}).
 *
 * @param displayName full name unless removed, else profile name, username, phone or user id
 * @param changedAt the {@code metadata.timestamp} of the winning address-book change, or null
 */
public record ContactView(
    long customerId,
    CustomerIdentity identity,
    String displayName,
    String fullName,
    String firstName,
    String profileName,
    String source,
    boolean removed,
    Instant changedAt) {}
