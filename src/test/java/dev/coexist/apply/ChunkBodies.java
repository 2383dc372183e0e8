package dev.coexist.apply;

import java.nio.charset.StandardCharsets;

/** Generated history chunks of any size, shaped like the 360dialog fixtures. */
final class ChunkBodies {
  private ChunkBodies() {}

  /**
   * A chunk with {@code threads} threads of {@code perThread} messages each, alternating inbound
   * and outbound, wamids unique per (phase, chunk).
   */
  static byte[] chunk(
      final int phase,
      final int order,
      final int progress,
      final int threads,
      final int perThread) {
    final StringBuilder body = new StringBuilder(threads * perThread * 220);
    body.append(
        """
        {"id":"gen-%d-%d","event":"history","data":{"id":"102290129340398",\
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111",\
        "phone_number_id":"106540352242922"},"history":[{"metadata":{"phase":"%d",\
        "chunk_order":"%d","progress":"%d"},"threads":["""
            .formatted(phase, order, phase, order, progress));
    for (int thread = 0; thread < threads; thread++) {
      final String customer = "1650%07d".formatted(order * 1000 + thread);
      body.append(thread == 0 ? "" : ",").append("{\"id\":\"").append(customer);
      body.append("\",\"messages\":[");
      for (int message = 0; message < perThread; message++) {
        final boolean business = message % 2 == 1;
        body.append(message == 0 ? "" : ",")
            .append("{\"from\":\"")
            .append(business ? "15550001111" : customer)
            .append("\",\"id\":\"wamid.gen.")
            .append(phase)
            .append('.')
            .append(order)
            .append('.')
            .append(thread)
            .append('.')
            .append(message)
            .append("\",\"timestamp\":\"")
            .append(1739000000L + order * 10_000L + message)
            .append("\",\"type\":\"text\",\"text\":{\"body\":\"Message number ")
            .append(message)
            .append(" of this generated conversation\"},\"history_context\":{\"status\":\"")
            .append(business ? "READ" : "DELIVERED")
            .append("\"}}");
      }
      body.append("]}");
    }
    body.append("]}]}}");
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
