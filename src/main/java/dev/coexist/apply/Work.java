package dev.coexist.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.coexistence.Decoded;
import dev.coexist.journal.PendingEntry;
import java.util.Map;

/**
 * A journal entry decoded and ready to apply.
 *
 * @param decoded null when the entry could not be decoded ({@code error} says why)
 * @param contents the JSON text of each message's content node, prepared with the decoding
 * @param messages how many messages the entry holds (a transaction's size is counted in them)
 * @param fromThread the threads of the entry's history chunk before this one were written by
 *     earlier parts (see Processor.leadingParts)
 */
record Work(
    PendingEntry entry,
    Decoded decoded,
    Map<JsonNode, String> contents,
    String error,
    int messages,
    int fromThread) {

  Work(
      final PendingEntry entry,
      final Decoded decoded,
      final Map<JsonNode, String> contents,
      final String error,
      final int messages) {
    this(entry, decoded, contents, error, messages, 0);
  }

  /** The rest of the entry once its chunk's threads before {@code thread} are written. */
  Work startingAt(final int thread) {
    return new Work(entry, decoded, contents, error, messages, thread);
  }
}
