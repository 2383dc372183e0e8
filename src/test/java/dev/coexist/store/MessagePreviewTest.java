package dev.coexist.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagePreviewTest {
  @Test
  void aTextIsItsOwnPreview() {
    assertThat(MessagePreview.of("text", "Is it on its way?", null, false))
        .isEqualTo("Is it on its way?");
  }

  @Test
  void aDeletedMessageSaysSoWhateverItWas() {
    assertThat(MessagePreview.of("image", "The damaged box", "{\"id\":\"1\"}", true))
        .isEqualTo("This message was deleted");
  }

  @Test
  void mediaIsNamedInWordsWithItsCaptionOrFileName() {
    assertThat(MessagePreview.of("image", null, "{\"id\":\"1\"}", false)).isEqualTo("Photo");
    assertThat(MessagePreview.of("image", "The damaged box", "{\"id\":\"1\"}", false))
        .isEqualTo("Photo: The damaged box");
    assertThat(MessagePreview.of("video", null, "{}", false)).isEqualTo("Video");
    assertThat(MessagePreview.of("sticker", null, "{\"animated\":false}", false))
        .isEqualTo("Sticker");
    assertThat(MessagePreview.of("document", null, "{\"filename\":\"invoice-2291.pdf\"}", false))
        .isEqualTo("Document: invoice-2291.pdf");
    assertThat(MessagePreview.of("audio", null, "{\"voice\":true}", false))
        .isEqualTo("Voice message");
    assertThat(MessagePreview.of("audio", null, "{\"voice\":false}", false)).isEqualTo("Audio");
  }

  @Test
  void aMediaPlaceholderIsNeverShownAsItsTypeName() {
    assertThat(MessagePreview.of("media_placeholder", null, null, false))
        .isEqualTo("Media from the history import")
        .doesNotContain("[")
        .doesNotContain("placeholder");
  }

  @Test
  void aLocationIsNamedByItsNameElseItsAddress() {
    assertThat(
            MessagePreview.of(
                "location",
                null,
                "{\"latitude\":-34.6,\"longitude\":-58.4,\"name\":\"Obelisco\"}",
                false))
        .isEqualTo("Location: Obelisco");
    assertThat(MessagePreview.of("location", null, "{\"address\":\"Av. 9 de Julio\"}", false))
        .isEqualTo("Location: Av. 9 de Julio");
    assertThat(MessagePreview.of("location", null, "{\"latitude\":1,\"longitude\":2}", false))
        .isEqualTo("Location");
  }

  @Test
  void contactCardsAreNamed() {
    assertThat(
            MessagePreview.of("contacts", null, "[{\"name\":{\"formatted_name\":\"Ana\"}}]", false))
        .isEqualTo("Contact: Ana");
    assertThat(
            MessagePreview.of(
                "contacts",
                null,
                "[{\"name\":{\"first_name\":\"Ana\"}},{\"phones\":[{\"phone\":\"+1 650\"}]}]",
                false))
        .isEqualTo("Contacts: Ana and 1 more");
    assertThat(MessagePreview.of("contacts", null, "[]", false)).isEqualTo("Contact");
  }

  @Test
  void repliesToButtonsShowTheChosenTitle() {
    assertThat(
            MessagePreview.of("interactive", "Confirm 8pm", "{\"type\":\"button_reply\"}", false))
        .isEqualTo("Confirm 8pm");
    assertThat(MessagePreview.of("button", "Stop promotions", "{}", false))
        .isEqualTo("Stop promotions");
    assertThat(MessagePreview.of("interactive", null, "{\"type\":\"nfm_reply\"}", false))
        .isEqualTo("Interactive reply");
  }

  @Test
  void ordersUnknownAndUnsupportedTypesAreWords() {
    assertThat(
            MessagePreview.of(
                "order", "Two please", "{\"product_items\":[{\"quantity\":\"2\"}]}", false))
        .isEqualTo("Order: 1 item · Two please");
    assertThat(MessagePreview.of("poll_vote", null, "{}", false)).isEqualTo("Poll vote");
    assertThat(MessagePreview.of("unsupported", null, null, false))
        .isEqualTo("Unsupported message");
    assertThat(MessagePreview.of(null, null, null, false)).isEqualTo("Message");
  }

  @Test
  void unreadableContentStillGivesWords() {
    assertThat(MessagePreview.of("location", null, "{not json", false)).isEqualTo("Location");
  }
}
