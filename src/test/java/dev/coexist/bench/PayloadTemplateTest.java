package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTemplateTest {

  @Test
  void writesTheSequenceZeroPaddedIntoEverySlot() {
    final PayloadTemplate template = PayloadTemplate.of("t", "{\"a\":\"x{SEQ}\",\"b\":\"{SEQ}y\"}");
    final byte[] buffer = new byte[template.length()];

    final int length = template.renderInto(42, buffer);

    assertThat(new String(buffer, 0, length, StandardCharsets.US_ASCII))
        .isEqualTo("{\"a\":\"x000000000042\",\"b\":\"000000000042y\"}");
    assertThat(template.slotCount()).isEqualTo(2);
  }

  @Test
  void aReusedBufferHoldsOnlyTheLatestSequence() {
    final PayloadTemplate template = PayloadTemplate.of("t", "id={SEQ}");
    final byte[] buffer = new byte[template.length()];
    template.renderInto(999_999_999_999L, buffer);

    template.renderInto(7, buffer);

    assertThat(new String(buffer, StandardCharsets.US_ASCII)).isEqualTo("id=000000000007");
  }

  @Test
  void refusesTemplatesWithoutSlotOrNotAscii() {
    assertThatThrownBy(() -> PayloadTemplate.of("t", "{}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PayloadTemplate.of("t", "{SEQ} é"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesSequencesThatDoNotFit() {
    final PayloadTemplate template = PayloadTemplate.of("t", "{SEQ}");
    final byte[] buffer = new byte[template.length()];
    assertThatThrownBy(() -> template.renderInto(1_000_000_000_000L, buffer))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> template.renderInto(-1, buffer))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
