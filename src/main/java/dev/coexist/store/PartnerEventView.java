package dev.coexist.store;

import java.time.Instant;

/** A 360dialog partner event (channel, client, template, violation...): stored and shown only. */
public record PartnerEventView(
    long journalId, String event, String deliveryId, String payloadJson, Instant receivedAt) {}
