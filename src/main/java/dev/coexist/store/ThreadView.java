package dev.coexist.store;

import java.time.Instant;

/**
 * The conversation of one number with one customer. Its id is the customer's id.
 *
 * @param displayName the address-book name, else the customer's WhatsApp profile name, else
 *     username, phone or user id
 * @param unreadCount live inbound messages newer than the business's last outbound message; history
 *     and echoes never count
 * @param lastMessageAt the newest message of any source (the activity threads are ordered by)
 * @param lastLiveInboundAt the newest live inbound message, null when none
 */
public record ThreadView(
    long threadId,
    String phoneNumberId,
    CustomerIdentity customer,
    String displayName,
    int messageCount,
    int inboundCount,
    int outboundCount,
    int unreadCount,
    Instant lastMessageAt,
    String lastMessageWamid,
    String lastDirection,
    String lastPreview,
    Instant lastLiveInboundAt) {}
