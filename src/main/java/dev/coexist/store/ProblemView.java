package dev.coexist.store;

/**
 * An item of a journal entry that was not applied.
 *
 * @param kind {@code decode} (unreadable item), {@code apply} (could not be stored), {@code
 *     unknown_change} (not understood, kept for a later replay) or {@code platform_error} (errors
 *     WhatsApp reported in the value)
 * @param location JSON-pointer-like path of the item in the body
 * @param ordinal its place among the entry's problems, in the order they were found (from 0)
 */
public record ProblemView(
    long journalId, String location, String kind, String message, String itemJson, int ordinal) {}
