package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CursorTest {
  @Test
  void roundTrips() {
    final Cursor cursor = new Cursor("threads", List.of("1739230955000", "42"));
    final Cursor back = Cursor.decode(cursor.encode(), "threads", 2);
    assertThat(back).isEqualTo(cursor);
    assertThat(back.longAt(0)).isEqualTo(1739230955000L);
  }

  @Test
  void refusesForeignOrBrokenCursorsWithAReason() {
    final String threads = new Cursor("threads", List.of("1", "2")).encode();
    assertThatThrownBy(() -> Cursor.decode(threads, "messages", 2))
        .isInstanceOf(BadRequestException.class)
        .hasMessageEndingWith("pages threads, not messages");
    assertThatThrownBy(() -> Cursor.decode("%%%", "threads", 2))
        .isInstanceOf(BadRequestException.class)
        .hasMessage("cursor '%%%' is not a cursor this API handed out");
    assertThatThrownBy(() -> Cursor.decode(threads, "threads", 3))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> new Cursor("threads", List.of("x")).longAt(0))
        .isInstanceOf(BadRequestException.class);
  }

  @Test
  void limitsAreChecked() {
    assertThat(PageLimit.parse(null)).isEqualTo(PageLimit.DEFAULT);
    assertThat(PageLimit.parse("10")).isEqualTo(10);
    assertThatThrownBy(() -> PageLimit.parse("0"))
        .hasMessage("limit must be between 1 and 500, was 0");
    assertThatThrownBy(() -> PageLimit.parse("ten"))
        .hasMessage("limit must be a whole number, was 'ten'");
  }

  @Test
  void apiKeysAcceptOnlyAConfiguredBearerKey() {
    final ApiKeys keys = new ApiKeys(List.of("first", "second"));
    assertThat(keys.refusal("Bearer second")).isEmpty();
    assertThat(keys.refusal("bearer first")).isEmpty();
    assertThat(keys.refusal(null)).contains("missing Authorization: Bearer <api key> header");
    assertThat(keys.refusal("Basic Zmlyc3Q="))
        .contains("the Authorization header must be 'Bearer <api key>'");
    assertThat(keys.refusal("Bearer third")).contains("the API key is not valid");
  }
}
