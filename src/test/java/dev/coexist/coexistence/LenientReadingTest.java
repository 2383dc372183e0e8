package dev.coexist.coexistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LenientReadingTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "NONE",
      value = {
        "3, 3",
        "'\"3\"', 3",
        "'\" 40 \"', 40",
        "100.0, 100",
        "'\"7.0\"', 7",
        "'\"two\"', NONE",
        "2.5, NONE",
        "true, NONE",
        "null, NONE",
        "'{}', NONE",
        "99999999999, NONE"
      })
  void integersAreReadFromNumbersOrStrings(String json, Integer expected) throws Exception {
    assertThat(Json.integer(MAPPER.readTree(json))).isEqualTo(expected);
  }

  @Test
  void timestampsAreUnixSecondsAsNumberOrString() throws Exception {
    Instant expected = Instant.ofEpochSecond(1739230955L);
    assertThat(Json.epochSeconds(MAPPER.readTree("1739230955"))).isEqualTo(expected);
    assertThat(Json.epochSeconds(MAPPER.readTree("\"1739230955\""))).isEqualTo(expected);
    assertThat(Json.epochSeconds(MAPPER.readTree("\"yesterday\""))).isNull();
    assertThat(Json.epochSeconds(null)).isNull();
  }

  @Test
  void booleansAreReadFromBooleansOrStrings() throws Exception {
    assertThat(Json.bool(MAPPER.readTree("true"))).isTrue();
    assertThat(Json.bool(MAPPER.readTree("\"TRUE\""))).isTrue();
    assertThat(Json.bool(MAPPER.readTree("\"false\""))).isFalse();
    assertThat(Json.bool(MAPPER.readTree("1"))).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "READ, READ, read",
    "read, READ, read",
    "Delivered, DELIVERED, delivered",
    "' played ', PLAYED, played",
    "PENDING, PENDING, pending",
    "ERROR, ERROR, error",
    "failed, FAILED, failed",
    "deleted, UNKNOWN, deleted",
    "Seen-Twice, UNKNOWN, Seen-Twice"
  })
  void statusesAreCaseInsensitiveAndUnknownOnesKeptVerbatim(
      String reported, DeliveryStatus kind, String value) {
    assertThat(Status.of(reported)).isEqualTo(new Status(kind, value));
  }

  @Test
  void absentStatusStaysAbsent() {
    assertThat(Status.of(null)).isNull();
  }

  @Test
  void phoneNumbersAreComparedByDigits() {
    assertThat(Digits.same("15550001111", "+1 (555) 000-1111")).isTrue();
    assertThat(Digits.same("15550001111", "15550001112")).isFalse();
    assertThat(Digits.same("", "")).isFalse();
    assertThat(Digits.same(null, null)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "from_me wins over from       | {\"from\":\"16505551234\"}      | true  | OUTBOUND",
        "from_me false wins           | {\"from\":\"15550001111\"}      | false | INBOUND",
        "from is the business         | {\"from\":\"15550001111\"}      | null  | OUTBOUND",
        "from is a customer           | {\"from\":\"16505551234\"}      | null  | INBOUND",
        "only a recipient user id     | {\"to_user_id\":\"US.1\"}       | null  | OUTBOUND",
        "only a sender user id        | {\"from_user_id\":\"US.1\"}     | null  | INBOUND",
      })
  void historyDirection(String name, String message, Boolean fromMe, Direction expected)
      throws Exception {
    JsonNode item = MAPPER.readTree(message);
    assertThat(MessageReader.historyDirection(item, fromMe, "+1 555 000 1111")).isEqualTo(expected);
  }

  @Test
  void withoutAKnownBusinessNumberARecipientMeansOutbound() throws Exception {
    JsonNode item = MAPPER.readTree("{\"from\":\"15550001111\",\"to\":\"16505551234\"}");
    assertThat(MessageReader.historyDirection(item, null, null)).isEqualTo(Direction.OUTBOUND);
  }
}
