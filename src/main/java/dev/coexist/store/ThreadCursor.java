package dev.coexist.store;

/**
 * Keyset position in a thread list ordered by newest activity: the last thread of a page.
 *
 * @param lastMessageAt the thread's {@code last_message_at}, epoch seconds (0 when unknown)
 */
public record ThreadCursor(long lastMessageAt, long threadId) {}
