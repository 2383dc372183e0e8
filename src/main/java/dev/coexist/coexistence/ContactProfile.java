package dev.coexist.coexistence;

/**
 * An entry of a value's {@code contacts[]}: who the message is from or to, with the profile name
 * WhatsApp shows.
 */
public record ContactProfile(Party party, String profileName) {}
