package dev.coexist.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Generated history chunks in the 360dialog envelope (spec §1.1): a chunk holds {@code threads}
 * threads of {@code messagesPerThread} messages, alternating customer and business, about one in 25
 * a media placeholder, each with its {@code history_context} status. Customers come from a pool, so
 * a long import returns to the same threads the way a real six-month history does.
 */
public final class HistoryChunks {
  static final String WABA_ID = "102290129340398";
  static final String BUSINESS_NUMBER = "15550001111";
  private static final long NEWEST_TIMESTAMP = 1_739_230_955L;
  private static final String[] STATUSES = {"READ", "DELIVERED", "READ", "PLAYED", "SENT"};
  private static final String[] TEXTS = {
    "Hi! Is the blue one still available in size M?",
    "Yes, we have it. Shall I reserve it for you until Friday?",
    "Your order 4711 has shipped and will arrive on Thursday between 9 and 12.",
    "Great, thank you. Can you deliver to the office instead? It is Hauptstrasse 12, second floor,"
        + " ask for the front desk.",
    "Of course, I changed the address. Anything else I can do for you today?",
    "Ok 👍"
  };

  private final String phoneNumberId;
  private final int threads;
  private final int messagesPerThread;
  private final int customerPool;
  private final String customerPrefix;

  /**
   * @param customerPool how many different customers the chunks draw their threads from
   */
  public HistoryChunks(
      final String phoneNumberId,
      final int threads,
      final int messagesPerThread,
      final int customerPool) {
    this(phoneNumberId, threads, messagesPerThread, customerPool, "1650");
  }

  /**
   * @param customerPrefix the first digits of the customers' 11-digit phone numbers
   */
  HistoryChunks(
      final String phoneNumberId,
      final int threads,
      final int messagesPerThread,
      final int customerPool,
      final String customerPrefix) {
    if (threads > customerPool) {
      throw new IllegalArgumentException("a chunk cannot hold more threads than customers exist");
    }
    this.phoneNumberId = phoneNumberId;
    this.threads = threads;
    this.messagesPerThread = messagesPerThread;
    this.customerPool = customerPool;
    this.customerPrefix = customerPrefix;
  }

  public int messagesPerChunk() {
    return threads * messagesPerThread;
  }

  /** The customer phone number of thread {@code thread} of chunk {@code chunkOrder}. */
  String customer(final int chunkOrder, final int thread) {
    final long slot = ((long) chunkOrder * threads + thread) % customerPool;
    return customerPrefix + ("%0" + (11 - customerPrefix.length()) + "d").formatted(slot);
  }

  /** The wamid of message {@code sequence} (0-based, across the threads) of a chunk. */
  public String wamid(final int phase, final int chunkOrder, final int sequence) {
    return "wamid.HBgL" + phoneNumberId + '.' + phase + '.' + chunkOrder + '.' + sequence;
  }

  /**
   * Chunks 1 to {@code count} of {@code phase}, made ahead (generating them is not the measured
   * work), each with the progress figure {@code progressOf} gives its chunk order.
   */
  public List<byte[]> chunks(final int phase, final int count, final IntUnaryOperator progressOf) {
    final List<byte[]> bodies = new ArrayList<>(count);
    for (int chunkOrder = 1; chunkOrder <= count; chunkOrder++) {
      bodies.add(chunk(phase, chunkOrder, progressOf.applyAsInt(chunkOrder)));
    }
    return bodies;
  }

  /** Chunk {@code chunkOrder} (1-based) of {@code phase}, with its progress figure. */
  public byte[] chunk(final int phase, final int chunkOrder, final int progress) {
    final StringBuilder body = new StringBuilder(messagesPerChunk() * 260);
    body.append("{\"id\":\"bench-")
        .append(phoneNumberId)
        .append('-')
        .append(phase)
        .append('-')
        .append(chunkOrder)
        .append("\",\"event\":\"history\",\"data\":{\"id\":\"")
        .append(WABA_ID)
        .append("\",\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"")
        .append(BUSINESS_NUMBER)
        .append("\",\"phone_number_id\":\"")
        .append(phoneNumberId)
        .append("\"},\"history\":[{\"metadata\":{\"phase\":\"")
        .append(phase)
        .append("\",\"chunk_order\":\"")
        .append(chunkOrder)
        .append("\",\"progress\":\"")
        .append(progress)
        .append("\"},\"threads\":[");
    for (int thread = 0; thread < threads; thread++) {
      final String customer = customer(chunkOrder, thread);
      body.append(thread == 0 ? "" : ",").append("{\"id\":\"").append(customer);
      body.append("\",\"messages\":[");
      for (int message = 0; message < messagesPerThread; message++) {
        final int sequence = thread * messagesPerThread + message;
        final boolean business = message % 2 == 1;
        body.append(message == 0 ? "" : ",")
            .append("{\"from\":\"")
            .append(business ? BUSINESS_NUMBER : customer)
            .append("\",\"id\":\"")
            .append(wamid(phase, chunkOrder, sequence))
            .append("\",\"timestamp\":\"")
            .append(NEWEST_TIMESTAMP - 3_600L * chunkOrder - 60L * (messagesPerThread - message))
            .append('"');
        if (sequence % 25 == 24) {
          body.append(",\"type\":\"media_placeholder\"");
        } else {
          body.append(",\"type\":\"text\",\"text\":{\"body\":\"")
              .append(TEXTS[sequence % TEXTS.length])
              .append("\"}");
        }
        body.append(",\"history_context\":{\"status\":\"")
            .append(STATUSES[sequence % STATUSES.length])
            .append("\"}}");
      }
      body.append("]}");
    }
    body.append("]}]}}");
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
