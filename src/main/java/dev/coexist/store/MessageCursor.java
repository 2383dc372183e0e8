package dev.coexist.store;

/**
 * Keyset position in a thread's messages ordered oldest first.
 *
 * @param sentAt epoch seconds (0 when the payload had no readable timestamp)
 * @param id the message's row id, which breaks ties
 */
public record MessageCursor(long sentAt, long id) {}
