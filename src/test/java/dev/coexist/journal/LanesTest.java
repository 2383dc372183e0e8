package dev.coexist.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LanesTest {
  private static byte[] fixture(final String name) throws IOException {
    try (InputStream in = LanesTest.class.getResourceAsStream("/fixtures/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] bytes(final String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theNumberIsFoundInBothEnvelopes() throws IOException {
    assertThat(Lanes.keyOf(fixture("360dialog/history-phase1-chunk3.json")).phoneNumberId())
        .isEqualTo("106540352242922");
    assertThat(Lanes.keyOf(fixture("meta/messages-text.json")).phoneNumberId())
        .isEqualTo("106540352242922");
  }

  @Test
  void aDeliveryGoesToTheLaneOfItsNumber() throws IOException {
    final byte[] body = fixture("meta/echo-text.json");
    assertThat(Lanes.keyOf(body).lane(Partitioning.DEFAULT))
        .isEqualTo(Lanes.ofNumber("106540352242922", Partitioning.DEFAULT));
    assertThat(Lanes.keyOf(body).lane(Partitioning.DEFAULT)).isBetween(0, Partitioning.DEFAULT - 1);
  }

  @Test
  void historyGoesToItsPartitionsHistoryLaneInBothEnvelopes() throws IOException {
    final int partition = Lanes.ofNumber("106540352242922", Partitioning.DEFAULT);
    assertThat(Lanes.keyOf(fixture("meta/history-phase0-chunk1.json")).lane(Partitioning.DEFAULT))
        .isEqualTo(Partitioning.DEFAULT + partition)
        .isEqualTo(Lanes.historyOf("106540352242922", Partitioning.DEFAULT));
    assertThat(
            Lanes.keyOf(fixture("360dialog/history-phase1-chunk3.json")).lane(Partitioning.DEFAULT))
        .isEqualTo(Partitioning.DEFAULT + partition);
    assertThat(Lanes.keyOf(fixture("360dialog/state-sync-add.json")).lane(Partitioning.DEFAULT))
        .as("contacts are live")
        .isLessThan(Partitioning.DEFAULT);
    assertThat(Lanes.keyOf(bytes("{\"field\" :\n \"history\"}")).history()).isTrue();
    assertThat(
            Lanes.keyOf(
                    bytes(
                        "{\"field\":\"messages\",\"text\":{\"body\":\"a \\\"field\\\":\\\"history\\\"\"}}"))
                .history())
        .as("the key inside a text")
        .isFalse();
  }

  @Test
  void spacesNewlinesAndANumericValueAreRead() {
    assertThat(
            Lanes.keyOf(bytes("{\"metadata\": {\"phone_number_id\" :\n \"42\"}}")).phoneNumberId())
        .isEqualTo("42");
    assertThat(Lanes.keyOf(bytes("{\"phone_number_id\":1065403}")).phoneNumberId())
        .isEqualTo("1065403");
  }

  @Test
  void theKeyInsideATextIsNotTakenForTheField() {
    final byte[] body =
        bytes(
            "{\"text\":{\"body\":\"what is \\\"phone_number_id\\\"? \"},"
                + "\"metadata\":{\"phone_number_id\":\"777\"}}");
    assertThat(Lanes.keyOf(body).phoneNumberId()).isEqualTo("777");
  }

  @Test
  void aBodyNamingNoNumberGoesToLaneZero() throws IOException {
    assertThat(
            Lanes.keyOf(fixture("360dialog/partner-event-channel-created.json"))
                .lane(Partitioning.DEFAULT))
        .isZero();
    assertThat(Lanes.keyOf(bytes("not json at all")).lane(Partitioning.DEFAULT)).isZero();
    assertThat(Lanes.keyOf(bytes("{\"phone_number_id\":\"unterminated")).lane(Partitioning.DEFAULT))
        .isZero();
    assertThat(Lanes.keyOf(new byte[0]).lane(Partitioning.DEFAULT)).isZero();
  }
}
