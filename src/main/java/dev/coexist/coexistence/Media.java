package dev.coexist.coexistence;

/**
 * The media object of an image, video, audio, document or sticker message.
 *
 * @param id media asset id (fetch it through the Media API before it expires)
 */
public record Media(String id, String mimeType, String sha256, String caption, String filename) {}
