package dev.coexist.changes;

import java.util.OptionalLong;

/**
 * What a new stream starts with: the changes after {@code resumeAfter} up to {@code newestId}, read
 * from the change log, then its live queue (events after {@code newestId}). Without {@code
 * resumeAfter} it follows from {@code newestId}, told first to reload ({@link ChangeFeed#RESET})
 * when its {@code Last-Event-ID} could not be resumed ({@code reset}).
 *
 * @param newestId the newest change published to the feed when the subscription began
 */
record Subscription(
    Subscriber subscriber, OptionalLong resumeAfter, boolean reset, long newestId) {}
