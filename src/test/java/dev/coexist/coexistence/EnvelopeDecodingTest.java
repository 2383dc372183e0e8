package dev.coexist.coexistence;

import static dev.coexist.coexistence.Fixtures.PHONE_NUMBER_ID;
import static dev.coexist.coexistence.Fixtures.WABA_ID;
import static dev.coexist.coexistence.Fixtures.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopeDecodingTest {

  private final Decoder decoder = new Decoder();

  @Test
  void everyEntryAndEveryChangeIsDecodedInBodyOrder() {
    Decoded decoded = decode("meta/multi-entry-multi-change.json");

    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.events())
        .extracting(event -> event.getClass().getSimpleName())
        .containsExactly(
            "InboundMessage",
            "InboundMessage",
            "MessageEcho",
            "StatusUpdate",
            "InboundMessage",
            "AccountUpdate");
    assertThat(decoded.events())
        .extracting(event -> event.origin().location())
        .containsExactly(
            "/entry/0/changes/0/value/messages/0",
            "/entry/0/changes/0/value/messages/1",
            "/entry/0/changes/1/value/message_echoes/0",
            "/entry/0/changes/2/value/statuses/0",
            "/entry/1/changes/0/value/messages/0",
            "/entry/1/changes/1/value");
    // The second entry belongs to another WABA and number; nothing leaks from the first.
    InboundMessage other = decoded.eventsOf(InboundMessage.class).get(2);
    assertThat(other.origin().wabaId()).isEqualTo("109876543210987");
    assertThat(other.origin().phoneNumberId()).isEqualTo("107777777777777");
    assertThat(other.sender().profileName()).isEqualTo("Lena Ortiz");
    // Each message gets the profile of its own sender, not the first contact of the value.
    assertThat(decoded.eventsOf(InboundMessage.class).get(1).sender().profileName())
        .isEqualTo("Ana Lima");
    AccountUpdate reconnected = decoded.eventsOf(AccountUpdate.class).get(0);
    assertThat(reconnected.event()).isEqualTo("ACCOUNT_RECONNECTED");
    assertThat(reconnected.origin().phoneNumberId()).isNull();
  }

  @Test
  void partnerRemovedCarriesItsDisconnectionInfo() {
    Decoded decoded = decode("meta/account-update-partner-removed.json");

    AccountUpdate update = (AccountUpdate) decoded.events().get(0);
    assertThat(update.isPartnerRemoved()).isTrue();
    assertThat(update.event()).isEqualTo("PARTNER_REMOVED");
    assertThat(update.phoneNumber()).isEqualTo("15550001111");
    assertThat(update.disconnectionReason()).isEqualTo("PRIMARY_INACTIVITY");
    assertThat(update.initiatedBy()).isEqualTo("SYSTEM");
    assertThat(update.origin().wabaId()).isEqualTo(WABA_ID);
    assertThat(update.origin().field()).isEqualTo("account_update");
  }

  @Test
  void partnerEventsOtherThanWhatsAppFieldsAreKeptWhole() {
    byte[] body = Fixtures.bytes("360dialog/partner-event-channel-created.json");
    Decoded decoded = decoder.decode(body);

    assertThat(decoded.envelope()).isEqualTo(Envelope.PARTNER);
    assertThat(decoded.problems()).isEmpty();
    PartnerEvent event = (PartnerEvent) decoded.events().get(0);
    assertThat(event.event()).isEqualTo("channel_created");
    assertThat(event.origin().deliveryId()).isEqualTo("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9cbb");
    assertThat(event.origin().field()).isEqualTo("channel_created");
    assertThat(event.data().path("channel").path("waba_account").path("id").asText())
        .isEqualTo(WABA_ID);
    assertThat(event.raw().path("id").asText()).isEqualTo(event.origin().deliveryId());
  }

  @Test
  void accountViolationIsAPartnerEventToo() {
    PartnerEvent event =
        (PartnerEvent) decode("360dialog/partner-event-account-violation.json").events().get(0);

    assertThat(event.event()).isEqualTo("account_violation");
    assertThat(event.data().path("violation_info").path("violation_type").asText())
        .isEqualTo("SCAM");
  }

  @Test
  void unknownFieldIsKeptRawAsUnknownChange() {
    Decoded decoded = decode("meta/unknown-field-calls.json");

    assertThat(decoded.problems()).isEmpty();
    UnknownChange change = (UnknownChange) decoded.events().get(0);
    assertThat(change.reason()).isEqualTo("unknown field 'calls'");
    assertThat(change.origin().field()).isEqualTo("calls");
    assertThat(change.origin().phoneNumberId()).isEqualTo(PHONE_NUMBER_ID);
    assertThat(change.raw().path("calls").get(0).path("event").asText()).isEqualTo("connect");
  }

  @Test
  void knownFieldWithNothingKnownInItIsAnUnknownChangeNotAnError() {
    Decoded decoded =
        Fixtures.decodeJson(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"w","changes":[
              {"field":"messages","value":{"metadata":{"phone_number_id":"p"},"something_new":[1]}}]}]}
            """);

    assertThat(decoded.problems()).isEmpty();
    assertThat(((UnknownChange) decoded.events().get(0)).reason())
        .isEqualTo("messages value without messages, statuses or errors");
  }

  @Test
  void metaEnvelopeWithoutObjectIsStillAccepted() {
    Decoded decoded =
        Fixtures.decodeJson(
            """
            {"entry":[{"id":"w","changes":[{"field":"account_update",
              "value":{"event":"ACCOUNT_OFFBOARDED"}}]}]}
            """);

    assertThat(((AccountUpdate) decoded.events().get(0)).event()).isEqualTo("ACCOUNT_OFFBOARDED");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON | <xml/> | body is not JSON",
        "truncated JSON | {\"object\":\"whatsapp_business_account\",\"entry\":[ | body is not JSON",
        "JSON array | [1,2] | body is a JSON array, not an object",
        "JSON string | \"hello\" | body is a JSON string, not an object",
        "no envelope keys | {\"hello\":\"world\"} | no 'entry' (Meta envelope) and no 'event'",
        "foreign object | {\"object\":\"page\",\"entry\":[]} | 'object' is 'page'",
        "entry not an array | {\"object\":\"whatsapp_business_account\",\"entry\":{}} | without an 'entry' array",
        "event not a name | {\"id\":\"1\",\"event\":42,\"data\":{}} | 'event' is not a name",
      })
  void bodiesThatAreNoEnvelopeAreRejectedWithAReason(String name, String body, String reason) {
    assertThatThrownBy(() -> decoder.decode(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            NotAnEnvelopeException.class,
            rejected -> assertThat(rejected.reason()).contains(reason.strip()));
  }

  @Test
  void emptyBodyIsRejected() {
    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .isInstanceOfSatisfying(
            NotAnEnvelopeException.class,
            rejected -> assertThat(rejected.reason()).isEqualTo("body is empty"));
  }

  @Test
  void theMessageIsTheReasonAloneSoWhoReportsItSaysNotAnEnvelopeOnce() {
    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .isInstanceOf(NotAnEnvelopeException.class)
        .hasMessage("body is empty");
  }

  @Test
  void onPremisesShapeAndForeignObjectFixturesAreRejected() {
    assertThatThrownBy(() -> decode("bad/not-an-envelope.json"))
        .isInstanceOf(NotAnEnvelopeException.class)
        .hasMessageContaining("no 'entry'");
    assertThatThrownBy(() -> decode("bad/foreign-object.json"))
        .isInstanceOf(NotAnEnvelopeException.class)
        .hasMessageContaining("'object' is 'page', not 'whatsapp_business_account'");
  }
}
