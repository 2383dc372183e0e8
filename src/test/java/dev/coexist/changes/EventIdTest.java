package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventIdTest {
  @Test
  void aChangesOwnEventIsItsSeqAndAChunksMessagesAreSeqDotN() {
    assertThat(EventId.parse("1050")).isEqualTo(EventId.of(1050));
    assertThat(EventId.parse(" 1050.3 ")).isEqualTo(new EventId(1050, 3));
    assertThat(new EventId(1050, 3)).hasToString("1050.3");
    assertThat(EventId.of(1050)).hasToString("1050");
  }

  @Test
  void eventsGoInTheOrderOfTheirChangeThenOfTheirPlaceInIt() {
    assertThat(
            List.of(
                    EventId.parse("1051"),
                    EventId.parse("1050.10"),
                    EventId.parse("1050.2"),
                    EventId.parse("1050"))
                .stream()
                .sorted()
                .map(EventId::toString))
        .containsExactly("1050", "1050.2", "1050.10", "1051");
  }

  @Test
  void anythingElseIsRefusedWithWhatAnIdIs() {
    for (final String bad : List.of("", "x", "1050.", "1050.3.1", "-1", "1050.-2", "1e3")) {
      assertThatThrownBy(() -> EventId.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("event id");
    }
  }
}
