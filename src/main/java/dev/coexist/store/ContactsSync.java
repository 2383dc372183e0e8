package dev.coexist.store;

import java.time.Instant;

/**
 * The address-book sync of one number ({@code smb_app_state_sync}).
 *
 * @param contacts contacts received, removed ones included
 * @param removed contacts whose latest change is a removal
 * @param lastChangeAt newest {@code metadata.timestamp} of a change, null when none arrived
 */
public record ContactsSync(int contacts, int removed, Instant lastChangeAt) {}
