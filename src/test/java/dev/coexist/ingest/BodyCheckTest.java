package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyCheckTest {
  private static BodyCheck.Verdict check(final String body) {
    return BodyCheck.check(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void recognisesTheMetaEnvelope() {
    final var verdict =
        check(
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[]}]}");
    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.envelope()).isEqualTo(BodyCheck.Envelope.META);
    assertThat(verdict.eventId()).isNull();
  }

  @Test
  void recognisesThe360dialogEnvelopeAndItsEventId() {
    final var verdict =
        check("{\"id\":\"evt-42\",\"event\":\"history\",\"data\":{\"history\":[]}}");
    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.envelope()).isEqualTo(BodyCheck.Envelope.DIALOG_360);
    assertThat(verdict.eventId()).isEqualTo("evt-42");
    assertThat(check("{\"event\":\"history\",\"data\":{},\"id\":7}").eventId()).isEqualTo("7");
    assertThat(check("{\"event\":\"history\",\"data\":{}}").eventId()).isNull();
  }

  @Test
  void rejectsWhatIsNotAnEnvelopeWithTheReason() {
    assertThat(BodyCheck.check(new byte[0]).rejection()).startsWith("empty body");
    assertThat(check("[1,2]").rejection()).startsWith("not a JSON object");
    assertThat(check("{\"object\":\"x\",\"entry\":[").rejection())
        .startsWith("not JSON: Unexpected end-of-input");
    assertThat(check("{\"a\":1} {\"b\":2}").rejection())
        .startsWith("not JSON: content after the end");
    assertThat(check("{\"hello\":\"world\"}").rejection()).startsWith("neither envelope");
    assertThat(check("{\"object\":\"x\",\"entry\":{}}").rejection()).startsWith("neither envelope");
    assertThat(check("{\"event\":\"history\",\"data\":[]}").rejection())
        .startsWith("neither envelope");
    assertThat(check("hello").rejection()).startsWith("not JSON: Unrecognized token 'hello'");
  }

  @Test
  void anInvalidValueDeepInsideIsFound() {
    // the check reads every token, not just the top-level members
    final var verdict =
        check("{\"object\":\"w\",\"entry\":[{\"changes\":[{\"value\":{\"x\": tru}}]}]}");
    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.rejection()).startsWith("not JSON: Unrecognized token 'tru'");
  }

  @Test
  void rejectsBytesThatAreNotUtf8() {
    final byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThat(BodyCheck.check(body).rejection())
        .isEqualTo("not UTF-8: byte 0x28 at offset 7 is not valid UTF-8");
  }

  /** A Meta envelope whose first key holds {@code key}, raw. */
  private static byte[] envelopeWithKey(final byte... key) {
    final byte[] head = "{\"".getBytes(StandardCharsets.US_ASCII);
    final byte[] tail = "\":1,\"object\":\"w\",\"entry\":[]}".getBytes(StandardCharsets.US_ASCII);
    final byte[] body = new byte[head.length + key.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(key, 0, body, head.length, key.length);
    System.arraycopy(tail, 0, body, head.length + key.length, tail.length);
    return body;
  }

  @Test
  void rejectsInvalidUtf8InsideAKeyThatTheParserLetsThrough() {
    // the well-formed key is accepted, so the envelope itself is fine
    assertThat(BodyCheck.check(envelopeWithKey((byte) 0xC3, (byte) 0xA9)).accepted()).isTrue();
    // "/" written in two bytes (overlong), a UTF-16 surrogate written as UTF-8, U+110000
    assertThat(BodyCheck.check(envelopeWithKey((byte) 0xC0, (byte) 0xAF)).rejection())
        .isEqualTo("not UTF-8: byte 0xC0 at offset 2 is not valid UTF-8");
    assertThat(BodyCheck.check(envelopeWithKey((byte) 0xED, (byte) 0xA0, (byte) 0x80)).rejection())
        .isEqualTo("not UTF-8: byte 0xA0 at offset 3 is not valid UTF-8");
    assertThat(
            BodyCheck.check(envelopeWithKey((byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80))
                .rejection())
        .isEqualTo("not UTF-8: byte 0x90 at offset 3 is not valid UTF-8");
    assertThat(BodyCheck.check(envelopeWithKey((byte) 0xE2, (byte) 0x82)).rejection())
        .startsWith("not UTF-8: byte 0x22 at offset 4");
  }

  @Test
  void rejectsUtf16AndUtf32WithOrWithoutByteOrderMark() {
    final String envelope = "{\"object\":\"w\",\"entry\":[]}";
    assertThat(check(envelope).accepted()).isTrue();
    assertThat(BodyCheck.check(envelope.getBytes(StandardCharsets.UTF_16)).rejection())
        .isEqualTo(
            "not UTF-8: byte 0xFE at offset 0 is not valid UTF-8 (a UTF-16 byte order mark?)");
    assertThat(BodyCheck.check(envelope.getBytes(StandardCharsets.UTF_16LE)).rejection())
        .isEqualTo("not UTF-8: a NUL byte at offset 1 (UTF-16 or UTF-32 text?)");
    assertThat(BodyCheck.check(envelope.getBytes(StandardCharsets.UTF_16BE)).rejection())
        .isEqualTo("not UTF-8: a NUL byte at offset 0 (UTF-16 or UTF-32 text?)");
    assertThat(
            BodyCheck.check(envelope.getBytes(java.nio.charset.Charset.forName("UTF-32LE")))
                .rejection())
        .startsWith("not UTF-8: a NUL byte");
  }

  @Test
  void acceptsEveryValidUtf8Character() {
    // one, two, three and four bytes, the edges of each range included
    assertThat(
            check(
                    "{\"object\":\"w\",\"entry\":[],\"t\":\"\u007f\u0080 é \u07ff \u0800 \ud7ff"
                        + " \ue000 \uffff 👋 \udbff\udfff\"}")
                .accepted())
        .isTrue();
  }
}
