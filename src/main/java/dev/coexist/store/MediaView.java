package dev.coexist.store;

/**
 * The media of a message. {@code placeholder} while only history's {@code media_placeholder} was
 * seen (no id yet); the media follow-up fills it in.
 */
public record MediaView(
    String id,
    String mimeType,
    String sha256,
    String caption,
    String filename,
    boolean placeholder) {}
