package dev.coexist.feed;

import java.util.List;

/**
 * What a new stream starts with: the events it missed since its {@code Last-Event-ID} (or {@code
 * resumed == false} when they are no longer known and the client must reload), then its live queue.
 *
 * @param newestId the id of the newest event published when the subscription began; a client told
 *     to reload resumes from it
 */
record Subscription(
    Subscriber subscriber, List<FeedEvent> missed, boolean resumed, long newestId) {}
