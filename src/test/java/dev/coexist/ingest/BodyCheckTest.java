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
    assertThat(BodyCheck.check(body).rejection()).startsWith("not JSON:");
  }
}
