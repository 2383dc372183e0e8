package dev.coexist.coexistence;

import static dev.coexist.coexistence.Fixtures.ANA;
import static dev.coexist.coexistence.Fixtures.DISPLAY_NUMBER;
import static dev.coexist.coexistence.Fixtures.MARIA_PARENT_USER_ID;
import static dev.coexist.coexistence.Fixtures.MARIA_USER_ID;
import static dev.coexist.coexistence.Fixtures.PABLO;
import static dev.coexist.coexistence.Fixtures.PHONE_NUMBER_ID;
import static dev.coexist.coexistence.Fixtures.WABA_ID;
import static dev.coexist.coexistence.Fixtures.decode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveMessageDecodingTest {

  private static final String ECHOED_WAMID =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJOMDFOMk8zUDRRNVI2UzcwAA==";

  @Test
  void textMessageWithReplyContextAndSenderProfile() {
    InboundMessage inbound = single("meta/messages-text.json");
    Message message = inbound.message();

    assertThat(inbound.origin())
        .isEqualTo(
            new Origin(
                Envelope.META,
                null,
                WABA_ID,
                PHONE_NUMBER_ID,
                DISPLAY_NUMBER,
                "messages",
                "/entry/0/changes/0/value/messages/0"));
    assertThat(message.wamid())
        .isEqualTo("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJQMDFQMlEzUjRTNVQ2VTcwAA==");
    assertThat(message.type()).isEqualTo("text");
    assertThat(message.direction()).isEqualTo(Direction.INBOUND);
    assertThat(message.from().phone()).isEqualTo(PABLO);
    assertThat(message.to().isUnknown()).isTrue();
    assertThat(message.text()).isEqualTo("Great, thank you!");
    assertThat(message.timestamp()).isEqualTo(Instant.ofEpochSecond(1740000500L));
    assertThat(message.replyToWamid()).isEqualTo(ECHOED_WAMID);
    assertThat(message.content().path("body").asText()).isEqualTo("Great, thank you!");
    assertThat(inbound.sender().profileName()).isEqualTo("Pablo Morales");
    assertThat(inbound.raw()).isSameAs(message.raw());
  }

  @Test
  void imageMessageExposesMediaIdMimeAndCaption() {
    Message image = single("meta/messages-image.json").message();

    assertThat(image.media())
        .isEqualTo(
            new Media(
                "3307416289375521",
                "image/jpeg",
                "5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
                "Arrived, thanks",
                null));
    assertThat(image.text()).isEqualTo("Arrived, thanks");
  }

  @Test
  void reactionNamesItsTargetAndEmojiAndItsRemovalHasNone() {
    List<InboundMessage> reactions =
        decode("meta/messages-reaction.json").eventsOf(InboundMessage.class);

    assertThat(reactions).hasSize(2);
    assertThat(reactions.get(0).message().targetWamid()).isEqualTo(ECHOED_WAMID);
    assertThat(reactions.get(0).message().emoji()).isEqualTo("\uD83D\uDC4D");
    assertThat(reactions.get(1).message().targetWamid()).isEqualTo(ECHOED_WAMID);
    assertThat(reactions.get(1).message().emoji()).isNull();
  }

  @Test
  void editTargetsTheOriginalAndCarriesTheNewText() {
    Message edit = single("meta/messages-edit.json").message();

    assertThat(edit.type()).isEqualTo("edit");
    assertThat(edit.targetWamid())
        .isEqualTo("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJQMDFQMlEzUjRTNVQ2VTcwAA==");
    assertThat(edit.text()).isEqualTo("Great, thank you so much!");
    assertThat(edit.content().path("message").path("type").asText()).isEqualTo("text");
  }

  @Test
  void revokeTargetsTheOriginal() {
    Message revoke = single("meta/messages-revoke.json").message();

    assertThat(revoke.type()).isEqualTo("revoke");
    assertThat(revoke.targetWamid())
        .isEqualTo("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJRMDFRMlIzUzRUNVU2VjcwAA==");
    assertThat(revoke.text()).isNull();
  }

  @Test
  void unsupportedMessageKeepsItsCompanionDeviceError() {
    InboundMessage unsupported = single("meta/messages-unsupported-131060.json");

    assertThat(unsupported.message().type()).isEqualTo("unsupported");
    assertThat(unsupported.message().from().phone()).isEqualTo(ANA);
    assertThat(unsupported.message().errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.code()).isEqualTo(131060);
              assertThat(error.title()).isEqualTo("Message is not supported");
              assertThat(error.details()).contains("companion device that is not supported");
            });
    assertThat(unsupported.sender().profileName()).isEqualTo("Ana Lima");
  }

  @Test
  void systemMessageHasNoContactsAndKeepsTheNewNumber() {
    InboundMessage system = single("meta/messages-system.json");

    assertThat(system.message().type()).isEqualTo("system");
    assertThat(system.message().text()).startsWith("User Pablo Morales changed from");
    assertThat(system.message().content().path("type").asText()).isEqualTo("user_changed_number");
    assertThat(system.message().content().path("wa_id").asText()).isEqualTo("16505559999");
    assertThat(system.sender()).isNull();
  }

  @Test
  void everyMessageTypeDecodesAndUnknownTypesAreKept() {
    Decoded decoded = decode("meta/messages-all-types.json");

    assertThat(decoded.problems()).isEmpty();
    List<Message> messages =
        decoded.eventsOf(InboundMessage.class).stream().map(InboundMessage::message).toList();
    assertThat(messages)
        .extracting(Message::type)
        .containsExactly(
            "video",
            "audio",
            "document",
            "sticker",
            "location",
            "contacts",
            "interactive",
            "button",
            "order",
            "poll_vote");
    assertThat(messages.get(0).media().caption()).isEqualTo("Unboxing");
    assertThat(messages.get(1).media().mimeType()).isEqualTo("audio/ogg; codecs=opus");
    assertThat(messages.get(2).media().filename()).isEqualTo("invoice-2291.pdf");
    assertThat(messages.get(3).media().id()).isEqualTo("5501928374650195");
    assertThat(messages.get(4).media()).isNull();
    assertThat(messages.get(4).content().path("name").asText()).isEqualTo("Casa Pablo");
    assertThat(messages.get(5).content().isArray()).isTrue();
    assertThat(messages.get(6).text()).isEqualTo("Confirm 8pm");
    assertThat(messages.get(7).text()).isEqualTo("Stop promotions");
    assertThat(messages.get(7).replyToWamid()).isEqualTo("wamid.TEMPLATE.promo");
    assertThat(messages.get(8).text()).isEqualTo("Two please");
    // A type from the future: kept with its content, nothing interpreted, nothing lost.
    assertThat(messages.get(9).content().path("poll_id").asText()).isEqualTo("wamid.POLL");
    assertThat(messages.get(9).text()).isNull();
  }

  @Test
  void valueLevelErrorsBecomePlatformErrors() {
    Decoded decoded = decode("meta/messages-value-errors.json");

    assertThat(decoded.problems()).isEmpty();
    PlatformErrors errors = (PlatformErrors) decoded.events().get(0);
    assertThat(errors.errors()).extracting(ApiError::code).containsExactly(131000);
    assertThat(errors.errors().get(0).href()).startsWith("https://developers.facebook.com/");
    assertThat(errors.origin().location()).isEqualTo("/entry/0/changes/0/value/errors");
  }

  @Test
  void echoIsOutboundToTheCustomerWithTheirProfile() {
    Decoded decoded = decode("meta/echo-text.json");

    MessageEcho echo = (MessageEcho) decoded.events().get(0);
    assertThat(echo.origin().field()).isEqualTo("smb_message_echoes");
    Message message = echo.message();
    assertThat(message.wamid()).isEqualTo(ECHOED_WAMID);
    assertThat(message.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(message.from().phone()).isEqualTo(DISPLAY_NUMBER);
    assertThat(message.to()).isEqualTo(new Party(PABLO, "US.13491208655302741918", null, null));
    assertThat(message.customer().phone()).isEqualTo(PABLO);
    assertThat(message.text()).isEqualTo("Hi Pablo! Your replacement box leaves today.");
    assertThat(echo.recipient().party().username()).isEqualTo("pablo");
  }

  @Test
  void echoToAUsernameAdopterHasOnlyUserIds() {
    MessageEcho echo = (MessageEcho) decode("meta/echo-bsuid.json").events().get(0);

    assertThat(echo.message().to())
        .isEqualTo(new Party(null, MARIA_USER_ID, MARIA_PARENT_USER_ID, null));
    assertThat(echo.message().media().caption()).isEqualTo("The jacket in L");
    assertThat(echo.recipient().party().username()).isEqualTo("maria.b");
  }

  @Test
  void echoInThePartnerEnvelopeEqualsTheMetaOneExceptForItsOrigin() {
    MessageEcho partner = (MessageEcho) decode("360dialog/echo-text.json").events().get(0);
    MessageEcho meta = (MessageEcho) decode("meta/echo-text.json").events().get(0);

    assertThat(partner.message()).isEqualTo(meta.message());
    assertThat(partner.recipient()).isEqualTo(meta.recipient());
    assertThat(partner.origin().envelope()).isEqualTo(Envelope.PARTNER);
    assertThat(partner.origin().phoneNumberId()).isEqualTo(meta.origin().phoneNumberId());
    assertThat(partner.origin().wabaId()).isEqualTo(meta.origin().wabaId());
  }

  private static InboundMessage single(String fixture) {
    Decoded decoded = decode(fixture);
    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.events()).hasSize(1);
    return (InboundMessage) decoded.events().get(0);
  }
}
