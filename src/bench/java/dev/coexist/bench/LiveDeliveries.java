package dev.coexist.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Live traffic in the Meta envelope, spread over many phone numbers: request {@code n} is an echo,
 * an inbound message or a status, in turn, of one number and one of its customers.
 *
 * <p>Layout: block {@code n / 3} picks the number ({@code block % numbers}) and the customer (the
 * round {@code block / numbers}, modulo the customers of a number); {@code n % 3} picks the kind. A
 * status refers to the echo of the same number one round earlier (already sent, so it attaches),
 * or, in the first round, to the echo of its own block; the first round says {@code delivered},
 * later rounds {@code read}, so no two status bodies are alike. Bodies are frozen templates whose
 * slot receives the sequence number (of the status's echo, for a status): rendering copies bytes.
 */
final class LiveDeliveries {

  /** Customers (threads) per number: 200 numbers give 2,000 threads that all keep receiving. */
  static final int CUSTOMERS_PER_NUMBER = 10;

  /** One inbound message in this many is followed from its 200 until the API shows it. */
  static final int SAMPLE_EVERY = 20;

  /** Chat-sized texts, so that bodies are the 0.5–1 KB of everyday deliveries. */
  private static final int[] TEXT_LENGTHS = {40, 160, 420};

  private static final long BASE_TIMESTAMP = 1_739_230_955L;
  static final int KINDS = 3;
  private static final int ECHO = 0;
  private static final int INBOUND = 1;

  private final String nonce;
  private final int numbers;
  // [number][customer]
  private final PayloadTemplate[][] echoes;
  private final PayloadTemplate[][] inbounds;
  private final PayloadTemplate[][] delivered;
  private final PayloadTemplate[][] read;
  private final int maxLength;
  private final int minLength;

  /**
   * @param nonce letters and digits, baked into every wamid so that runs never repeat a body
   */
  LiveDeliveries(final String nonce, final int numbers) {
    if (!nonce.matches("[A-Za-z0-9]{1,16}")) {
      throw new IllegalArgumentException("nonce must be 1-16 letters or digits: " + nonce);
    }
    if (numbers < 1 || numbers > 999) {
      throw new IllegalArgumentException("numbers must be 1..999: " + numbers);
    }
    this.nonce = nonce;
    this.numbers = numbers;
    echoes = new PayloadTemplate[numbers][CUSTOMERS_PER_NUMBER];
    inbounds = new PayloadTemplate[numbers][CUSTOMERS_PER_NUMBER];
    delivered = new PayloadTemplate[numbers][CUSTOMERS_PER_NUMBER];
    read = new PayloadTemplate[numbers][CUSTOMERS_PER_NUMBER];
    final List<PayloadTemplate> all = new ArrayList<>();
    for (int number = 0; number < numbers; number++) {
      for (int customer = 0; customer < CUSTOMERS_PER_NUMBER; customer++) {
        echoes[number][customer] = PayloadTemplate.of("echo", echo(number, customer));
        inbounds[number][customer] = PayloadTemplate.of("inbound", inbound(number, customer));
        delivered[number][customer] =
            PayloadTemplate.of("status", status(number, customer, "delivered"));
        read[number][customer] = PayloadTemplate.of("status", status(number, customer, "read"));
        all.addAll(
            List.of(
                echoes[number][customer],
                inbounds[number][customer],
                delivered[number][customer],
                read[number][customer]));
      }
    }
    maxLength = all.stream().mapToInt(PayloadTemplate::length).max().orElseThrow();
    minLength = all.stream().mapToInt(PayloadTemplate::length).min().orElseThrow();
  }

  int numbers() {
    return numbers;
  }

  int maxLength() {
    return maxLength;
  }

  int minLength() {
    return minLength;
  }

  /** Writes the body of request {@code sequence} into {@code destination}; returns its length. */
  int renderInto(final long sequence, final byte[] destination) {
    final long block = sequence / KINDS;
    final int number = (int) (block % numbers);
    final long round = block / numbers;
    final int kind = (int) (sequence % KINDS);
    if (kind == ECHO) {
      return echoes[number][customer(round)].renderInto(sequence, destination);
    }
    if (kind == INBOUND) {
      return inbounds[number][customer(round)].renderInto(sequence, destination);
    }
    final long echoRound = round == 0 ? 0 : round - 1;
    final long echoSequence = (echoRound * numbers + number) * KINDS + ECHO;
    final PayloadTemplate[][] states = round == 0 ? delivered : read;
    return states[number][customer(echoRound)].renderInto(echoSequence, destination);
  }

  /**
   * Messages (echoes and inbound messages, one {@code message.created} each) among requests {@code
   * 0..count-1}; the rest are statuses.
   */
  static long messages(final long count) {
    return count - count / KINDS;
  }

  /** The phone number id request {@code sequence} is for. */
  String numberOf(final long sequence) {
    return phoneNumberId((int) ((sequence / KINDS) % numbers));
  }

  /** Whether request {@code sequence} is an inbound message (whose visibility can be timed). */
  static boolean isInbound(final long sequence) {
    return sequence % KINDS == INBOUND;
  }

  /** Whether request {@code sequence} is an inbound message whose visibility is timed. */
  static boolean sampled(final long sequence) {
    return sequence % KINDS == INBOUND && (sequence / KINDS) % SAMPLE_EVERY == 0;
  }

  /** The wamid of the message request {@code sequence} carries, null when it is a status. */
  String messageWamid(final long sequence) {
    final int kind = (int) (sequence % KINDS);
    if (kind != ECHO && kind != INBOUND) {
      return null;
    }
    return wamidPrefix(kind == ECHO ? "E" : "I")
        + String.format("%0" + PayloadTemplate.SLOT_DIGITS + "d", sequence);
  }

  /** The wamid of the inbound message request {@code sequence} carries. */
  String inboundWamid(final long sequence) {
    return wamidPrefix("I") + String.format("%0" + PayloadTemplate.SLOT_DIGITS + "d", sequence);
  }

  private static int customer(final long round) {
    return (int) (round % CUSTOMERS_PER_NUMBER);
  }

  private String wamidPrefix(final String kind) {
    return "wamid.LIVE" + nonce + kind;
  }

  private static String phoneNumberId(final int number) {
    return "107700000000%03d".formatted(number);
  }

  private static String customerPhone(final int number, final int customer) {
    return customerPrefix(number) + "%04d".formatted(customer);
  }

  /** The first digits of the phone numbers of the customers of number {@code number}. */
  static String customerPrefix(final int number) {
    return "4477%03d".formatted(number);
  }

  private String echo(final int number, final int customer) {
    final String to = customerPhone(number, customer);
    return WebhookPayloads.metaEnvelope(
        phoneNumberId(number),
        "smb_message_echoes",
        "\"contacts\":[{\"wa_id\":\""
            + to
            + "\"}],\"message_echoes\":[{\"from\":\""
            + WebhookPayloads.BUSINESS_NUMBER
            + "\",\"to\":\""
            + to
            + "\",\"id\":\""
            + wamidPrefix("E")
            + PayloadTemplate.SLOT
            + "\",\"timestamp\":\""
            + (BASE_TIMESTAMP + customer)
            + "\",\"type\":\"text\",\"text\":{\"body\":\""
            + WebhookPayloads.text(TEXT_LENGTHS[customer % TEXT_LENGTHS.length], number)
            + "\"}}]");
  }

  private String inbound(final int number, final int customer) {
    final String from = customerPhone(number, customer);
    return WebhookPayloads.metaEnvelope(
        phoneNumberId(number),
        "messages",
        "\"contacts\":[{\"profile\":{\"name\":\"Customer "
            + customer
            + "\"},\"wa_id\":\""
            + from
            + "\"}],\"messages\":[{\"from\":\""
            + from
            + "\",\"id\":\""
            + wamidPrefix("I")
            + PayloadTemplate.SLOT
            + "\",\"timestamp\":\""
            + (BASE_TIMESTAMP + customer + 1)
            + "\",\"type\":\"text\",\"text\":{\"body\":\""
            + WebhookPayloads.text(TEXT_LENGTHS[(customer + 1) % TEXT_LENGTHS.length], customer)
            + "\"}}]");
  }

  private String status(final int number, final int customer, final String state) {
    return WebhookPayloads.metaEnvelope(
        phoneNumberId(number),
        "messages",
        "\"statuses\":[{\"id\":\""
            + wamidPrefix("E")
            + PayloadTemplate.SLOT
            + "\",\"status\":\""
            + state
            + "\",\"timestamp\":\""
            + (BASE_TIMESTAMP + customer + 60)
            + "\",\"recipient_id\":\""
            + customerPhone(number, customer)
            + "\",\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"type\":\"regular\","
            + "\"category\":\"utility\"}}]");
  }
}
