package dev.coexist.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Realistic webhook bodies as Meta and 360dialog send them (spec §1.3, §3.1–3.3), each with a
 * unique id per request.
 *
 * <p>Uniqueness has two parts: a run nonce (so a second run against the same data directory is not
 * deduplicated against the first) and the per-request sequence slot. The text is deterministic
 * otherwise, so two runs send bodies of the same sizes.
 */
final class WebhookPayloads {

  static final String WABA_ID = "102290129340398";
  static final String BUSINESS_NUMBER = "15550001111";
  private static final String[] PHONE_NUMBER_IDS = {
    "106540352242922", "106540352242923", "106540352242924", "106540352242925"
  };
  private static final long BASE_TIMESTAMP = 1_739_230_955L;

  /** Small bodies: text lengths chosen so that every envelope lands between 1 and 3 KB. */
  private static final int[] SMALL_TEXT_LENGTHS = {640, 980, 1_320, 1_700, 2_050};

  private static final int HISTORY_MESSAGES_PER_CHUNK = 1_000;
  private static final int HISTORY_THREADS_PER_CHUNK = 10;
  private static final int HISTORY_TEXT_LENGTH = 820;
  private static final int HISTORY_CHUNK_VARIANTS = 4;

  private static final String LOREM =
      "Hello, your order 4711 has shipped and will arrive on Thursday between 9 and 12. "
          + "Reply STOP to opt out. Can you confirm the delivery address and whether someone is home? "
          + "We also have the blue one in size M again, shall I reserve it for you until Friday? ";

  private final String nonce;

  /**
   * @param nonce a short run identifier, letters and digits only, baked into every id
   */
  WebhookPayloads(String nonce) {
    if (!nonce.matches("[A-Za-z0-9]{1,16}")) {
      throw new IllegalArgumentException("nonce must be 1-16 letters or digits: " + nonce);
    }
    this.nonce = nonce;
  }

  /** Echoes, inbound messages and statuses in the Meta envelope, for {@code /webhooks/whatsapp}. */
  PayloadSet small() {
    final List<PayloadTemplate> templates = new ArrayList<>();
    int variant = 0;
    for (final int textLength : SMALL_TEXT_LENGTHS) {
      templates.add(PayloadTemplate.of("smb_message_echoes", echo(variant++, textLength)));
      templates.add(PayloadTemplate.of("messages", inbound(variant++, textLength)));
      templates.add(PayloadTemplate.of("statuses", statuses(variant++, textLength)));
    }
    return new PayloadSet("small webhooks (echoes, inbound messages, statuses)", templates);
  }

  /** History chunks of about 1 MB / 1,000 messages in the 360dialog envelope. */
  PayloadSet history() {
    final List<PayloadTemplate> templates = new ArrayList<>();
    for (int chunk = 1; chunk <= HISTORY_CHUNK_VARIANTS; chunk++) {
      templates.add(PayloadTemplate.of("history", historyChunk(chunk)));
    }
    return new PayloadSet("history chunks (1,000 messages each)", templates);
  }

  private String wamid(String suffix) {
    return "wamid.HBgLMTU1NTAwMDExMTEVAgARGBI" + nonce + PayloadTemplate.SLOT + suffix;
  }

  private static String phoneNumberId(int variant) {
    return PHONE_NUMBER_IDS[variant % PHONE_NUMBER_IDS.length];
  }

  private static String customer(int variant) {
    return "1650555" + String.format("%04d", 1_000 + variant * 37);
  }

  static String text(int length, int shift) {
    final StringBuilder out = new StringBuilder(length);
    int at = shift % LOREM.length();
    while (out.length() < length) {
      out.append(LOREM.charAt(at));
      at = (at + 1) % LOREM.length();
    }
    return out.toString();
  }

  private static String metaEnvelope(int variant, String field, String valueBody) {
    return metaEnvelope(phoneNumberId(variant), field, valueBody);
  }

  /** The Meta envelope around one change of {@code field} for one phone number. */
  static String metaEnvelope(String phoneNumberId, String field, String valueBody) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\""
        + WABA_ID
        + "\",\"changes\":[{\"field\":\""
        + field
        + "\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\""
        + BUSINESS_NUMBER
        + "\",\"phone_number_id\":\""
        + phoneNumberId
        + "\"},"
        + valueBody
        + "}}]}]}";
  }

  private String echo(int variant, int textLength) {
    final String to = customer(variant);
    return metaEnvelope(
        variant,
        "smb_message_echoes",
        "\"contacts\":[{\"wa_id\":\""
            + to
            + "\",\"user_id\":\"US.13491208655302741918\",\"profile\":{\"username\":\"pablo.m\"}}],"
            + "\"message_echoes\":[{\"from\":\""
            + BUSINESS_NUMBER
            + "\",\"to\":\""
            + to
            + "\",\"to_user_id\":\"US.13491208655302741918\",\"id\":\""
            + wamid("E")
            + "\",\"timestamp\":\""
            + (BASE_TIMESTAMP + variant)
            + "\",\"type\":\"text\",\"text\":{\"body\":\""
            + text(textLength, variant * 13)
            + "\"}}]");
  }

  private String inbound(int variant, int textLength) {
    final String from = customer(variant);
    return metaEnvelope(
        variant,
        "messages",
        "\"contacts\":[{\"profile\":{\"name\":\"Pablo Morales\"},\"wa_id\":\""
            + from
            + "\"}],\"messages\":[{\"from\":\""
            + from
            + "\",\"id\":\""
            + wamid("I")
            + "\",\"timestamp\":\""
            + (BASE_TIMESTAMP + variant)
            + "\",\"type\":\"text\",\"text\":{\"body\":\""
            + text(textLength, variant * 7)
            + "\"}}]");
  }

  private String statuses(int variant, int paddingLength) {
    // Meta batches statuses; three per body (sent, delivered, read) of different messages
    final String recipient = customer(variant);
    final String[] states = {"sent", "delivered", "read"};
    final StringBuilder list = new StringBuilder("\"statuses\":[");
    for (int i = 0; i < states.length; i++) {
      if (i > 0) {
        list.append(',');
      }
      list.append("{\"id\":\"")
          .append(wamid("S" + i))
          .append("\",\"status\":\"")
          .append(states[i])
          .append("\",\"timestamp\":\"")
          .append(BASE_TIMESTAMP + variant + i)
          .append("\",\"recipient_id\":\"")
          .append(recipient)
          .append("\",\"biz_opaque_callback_data\":\"")
          .append(text(paddingLength / states.length, variant + i).replace(' ', '_'))
          .append(
              "\",\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"type\":\"regular\","
                  + "\"category\":\"utility\"}}");
    }
    list.append(']');
    return metaEnvelope(variant, "messages", list.toString());
  }

  private String historyChunk(int chunkOrder) {
    final StringBuilder body = new StringBuilder(1_100_000);
    body.append("{\"id\":\"hist")
        .append(nonce)
        .append(PayloadTemplate.SLOT)
        .append("\",\"event\":\"history\",\"data\":{\"id\":\"")
        .append(WABA_ID)
        .append("\",\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"")
        .append(BUSINESS_NUMBER)
        .append("\",\"phone_number_id\":\"")
        .append(phoneNumberId(0))
        .append("\"},\"history\":[{\"metadata\":{\"phase\":\"1\",\"chunk_order\":")
        .append(chunkOrder)
        .append(",\"progress\":\"40\"},\"threads\":[");
    final int perThread = HISTORY_MESSAGES_PER_CHUNK / HISTORY_THREADS_PER_CHUNK;
    final String[] statuses = {"READ", "DELIVERED", "SENT", "PLAYED", "READ"};
    int message = 0;
    for (int thread = 0; thread < HISTORY_THREADS_PER_CHUNK; thread++) {
      if (thread > 0) {
        body.append(',');
      }
      final String customer = customer(chunkOrder * 100 + thread);
      body.append("{\"id\":\"").append(customer).append("\",\"messages\":[");
      for (int i = 0; i < perThread; i++, message++) {
        if (i > 0) {
          body.append(',');
        }
        final boolean fromBusiness = i % 2 == 0;
        body.append("{\"from\":\"")
            .append(fromBusiness ? BUSINESS_NUMBER : customer)
            .append("\",\"id\":\"")
            .append(wamid(String.format("H%04d", message)))
            .append("\",\"timestamp\":\"")
            .append(BASE_TIMESTAMP - 86_400L * chunkOrder - 60L * message)
            .append('"');
        if (i % 25 == 24) {
          // about one in 25 history messages is media, delivered as a placeholder (spec §1.1)
          body.append(",\"type\":\"media_placeholder\"");
        } else {
          body.append(",\"type\":\"text\",\"text\":{\"body\":\"")
              .append(text(HISTORY_TEXT_LENGTH, message))
              .append("\"}");
        }
        body.append(",\"history_context\":{\"status\":\"")
            .append(statuses[message % statuses.length])
            .append("\"}}");
      }
      body.append("]}");
    }
    body.append("]}]}}");
    return body.toString();
  }
}
