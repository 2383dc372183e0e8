package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One decoded fact of a webhook delivery. Every event keeps the JSON item it was read from, so a
 * field this decoder does not model is never lost. The JSON nodes are shared with the parsed body:
 * treat them as read-only.
 */
public sealed interface CoexistenceEvent
    permits HistoryChunk,
        HistoryDeclined,
        HistoryMedia,
        ContactChange,
        MessageEcho,
        InboundMessage,
        StatusUpdate,
        AccountUpdate,
        PartnerEvent,
        PlatformErrors,
        UnknownChange {

  Origin origin();

  /** The JSON item this event was decoded from. */
  JsonNode raw();
}
