package dev.coexist.coexistence;

import static dev.coexist.coexistence.Fixtures.ANA;
import static dev.coexist.coexistence.Fixtures.DISPLAY_NUMBER;
import static dev.coexist.coexistence.Fixtures.MARIA_PARENT_USER_ID;
import static dev.coexist.coexistence.Fixtures.MARIA_USER_ID;
import static dev.coexist.coexistence.Fixtures.OLIVER;
import static dev.coexist.coexistence.Fixtures.PABLO;
import static dev.coexist.coexistence.Fixtures.PHONE_NUMBER_ID;
import static dev.coexist.coexistence.Fixtures.WABA_ID;
import static dev.coexist.coexistence.Fixtures.decode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryDecodingTest {

  @Test
  void chunkWithQuotedNumbersKeepsPhaseOrderProgressAndEveryThread() {
    Decoded decoded = decode("360dialog/history-phase1-chunk3.json");

    assertThat(decoded.envelope()).isEqualTo(Envelope.PARTNER);
    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.events()).hasSize(1);
    HistoryChunk chunk = (HistoryChunk) decoded.events().get(0);
    assertThat(chunk.phase()).isEqualTo(1);
    assertThat(chunk.chunkOrder()).isEqualTo(3);
    assertThat(chunk.progress()).isEqualTo(40);
    assertThat(chunk.isSyncComplete()).isFalse();
    assertThat(chunk.origin())
        .isEqualTo(
            new Origin(
                Envelope.PARTNER,
                "5f0c2e7a-4f1d-4b8e-9a57-2c1e9d3b6a10",
                WABA_ID,
                PHONE_NUMBER_ID,
                DISPLAY_NUMBER,
                "history",
                "/data/history/0"));
    assertThat(chunk.threads())
        .extracting(t -> t.customer().phone())
        .containsExactly(PABLO, OLIVER);
    assertThat(chunk.messageCount()).isEqualTo(5);
  }

  @Test
  void historyMessagesCarryDirectionStatusPlaceholderAndReply() {
    HistoryChunk chunk = decodeChunk("360dialog/history-phase1-chunk3.json");
    List<HistoryMessage> pablo = chunk.threads().get(0).messages();

    HistoryMessage shipped = pablo.get(0);
    assertThat(shipped.message().wamid())
        .isEqualTo("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJBMDFBMkIzQzRENUU2RjcwAA==");
    assertThat(shipped.message().direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(shipped.message().text()).isEqualTo("Your order shipped");
    assertThat(shipped.message().timestamp()).isEqualTo(Instant.ofEpochSecond(1739230955L));
    assertThat(shipped.status()).isEqualTo(new Status(DeliveryStatus.READ, "read"));
    assertThat(shipped.fromMe()).isNull();

    HistoryMessage placeholder = pablo.get(1);
    assertThat(placeholder.message().isMediaPlaceholder()).isTrue();
    assertThat(placeholder.message().content()).isNull();
    assertThat(placeholder.message().media()).isNull();
    assertThat(placeholder.status().kind()).isEqualTo(DeliveryStatus.PLAYED);

    HistoryMessage thanks = pablo.get(2);
    assertThat(thanks.message().direction()).isEqualTo(Direction.INBOUND);
    assertThat(thanks.message().from().phone()).isEqualTo(PABLO);
    assertThat(thanks.message().customer().phone()).isEqualTo(PABLO);
    assertThat(thanks.message().replyToWamid()).isEqualTo(shipped.message().wamid());
    assertThat(thanks.status().kind()).isEqualTo(DeliveryStatus.DELIVERED);

    HistoryMessage oliverAsks = chunk.threads().get(1).messages().get(0);
    assertThat(oliverAsks.message().direction()).isEqualTo(Direction.INBOUND);
    assertThat(oliverAsks.message().raw().path("text").path("body").asText())
        .isEqualTo("Do you ship to London?");
  }

  @Test
  void metaEnvelopeChunkWithNumericFieldsDecodesTheSame() {
    Decoded decoded = decode("meta/history-phase0-chunk1.json");

    assertThat(decoded.envelope()).isEqualTo(Envelope.META);
    HistoryChunk chunk = (HistoryChunk) decoded.events().get(0);
    assertThat(chunk.phase()).isZero();
    assertThat(chunk.chunkOrder()).isEqualTo(1);
    assertThat(chunk.progress()).isEqualTo(5);
    assertThat(chunk.origin().wabaId()).isEqualTo(WABA_ID);
    assertThat(chunk.origin().deliveryId()).isNull();
    assertThat(chunk.origin().location()).isEqualTo("/entry/0/changes/0/value/history/0");
    assertThat(chunk.threads().get(0).messages())
        .extracting(m -> m.message().direction())
        .containsExactly(Direction.INBOUND, Direction.OUTBOUND);
  }

  @Test
  void lowercaseStatusesAndFromMeWithoutRecipientAreUnderstood() {
    HistoryChunk chunk = decodeChunk("360dialog/history-lowercase-from-me.json");
    List<HistoryMessage> messages = chunk.threads().get(0).messages();

    assertThat(chunk.phase()).isZero();
    assertThat(messages)
        .extracting(m -> m.message().direction())
        .containsExactly(
            Direction.OUTBOUND, Direction.INBOUND, Direction.OUTBOUND, Direction.OUTBOUND);
    assertThat(messages)
        .extracting(HistoryMessage::fromMe)
        .containsExactly(true, false, true, true);
    assertThat(messages)
        .extracting(m -> m.status().kind())
        .containsExactly(
            DeliveryStatus.READ,
            DeliveryStatus.PENDING,
            DeliveryStatus.DELIVERED,
            DeliveryStatus.UNKNOWN);
    // An unknown status value is kept exactly as sent, not dropped or mapped.
    assertThat(messages.get(3).status().value()).isEqualTo("deleted_for_everyone");
    // No `to` on business messages: the thread names the customer.
    Message first = messages.get(0).message();
    assertThat(first.to().phone()).isEqualTo(ANA);
    assertThat(first.customer().phone()).isEqualTo(ANA);
    assertThat(first.from().phone()).isEqualTo(DISPLAY_NUMBER);
  }

  @Test
  void formattedDisplayNumberIsComparedByDigitsWhenFromMeIsAbsent() {
    Decoded decoded =
        Fixtures.decodeJson(
            """
            {"id":"x","event":"history","data":{"id":"%s",
             "metadata":{"display_phone_number":"+1 (555) 000-1111","phone_number_id":"%s"},
             "history":[{"metadata":{"phase":0,"chunk_order":1,"progress":1},
               "threads":[{"id":"%s","messages":[
                 {"from":"15550001111","id":"wamid.out","timestamp":"1","type":"text","text":{"body":"a"}},
                 {"from":"%s","id":"wamid.in","timestamp":"2","type":"text","text":{"body":"b"}}]}]}]}}
            """
                .formatted(WABA_ID, PHONE_NUMBER_ID, PABLO, PABLO));

    HistoryChunk chunk = (HistoryChunk) decoded.events().get(0);
    assertThat(chunk.threads().get(0).messages())
        .extracting(m -> m.message().direction())
        .containsExactly(Direction.OUTBOUND, Direction.INBOUND);
  }

  @Test
  void usernameAdopterThreadIsIdentifiedByBusinessScopedUserId() {
    HistoryChunk chunk = decodeChunk("360dialog/history-bsuid.json");
    HistoryThread thread = chunk.threads().get(0);

    assertThat(thread.customer())
        .isEqualTo(new Party(null, MARIA_USER_ID, MARIA_PARENT_USER_ID, "maria.b"));
    Message asks = thread.messages().get(0).message();
    assertThat(asks.direction()).isEqualTo(Direction.INBOUND);
    assertThat(asks.from().phone()).isNull();
    assertThat(asks.from().userId()).isEqualTo(MARIA_USER_ID);
    assertThat(asks.from().parentUserId()).isEqualTo(MARIA_PARENT_USER_ID);
    Message answers = thread.messages().get(1).message();
    assertThat(answers.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(answers.to().userId()).isEqualTo(MARIA_USER_ID);
    assertThat(answers.customer().userId()).isEqualTo(MARIA_USER_ID);
  }

  @Test
  void progressOnlyChunkHasNoThreadsAndMarksCompletion() {
    Decoded decoded = decode("360dialog/history-progress-only.json");

    assertThat(decoded.problems()).isEmpty();
    HistoryChunk chunk = (HistoryChunk) decoded.events().get(0);
    assertThat(chunk.threads()).isEmpty();
    assertThat(chunk.phase()).isEqualTo(2);
    assertThat(chunk.chunkOrder()).isEqualTo(7);
    assertThat(chunk.progress()).isEqualTo(100);
    assertThat(chunk.isSyncComplete()).isTrue();
  }

  @Test
  void declinedHistoryIsAnEventWithItsErrorCode() {
    Decoded decoded = decode("360dialog/history-declined.json");

    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.events()).singleElement().isInstanceOf(HistoryDeclined.class);
    HistoryDeclined declined = (HistoryDeclined) decoded.events().get(0);
    assertThat(declined.isTurnedOffByBusiness()).isTrue();
    assertThat(declined.errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.code()).isEqualTo(2593109);
              assertThat(error.details())
                  .isEqualTo("History sharing is turned off by the business");
            });
    assertThat(declined.origin().phoneNumberId()).isEqualTo(PHONE_NUMBER_ID);
  }

  @Test
  void anyOtherHistoryErrorCodeIsAFailureButNotTurnedOff() {
    Decoded decoded =
        Fixtures.decodeJson(
            """
            {"id":"x","event":"history","data":{"id":"w","metadata":{"phone_number_id":"p"},
             "history":[{"errors":[{"code":"131000","title":"Something went wrong"}]}]}}
            """);

    HistoryDeclined declined = (HistoryDeclined) decoded.events().get(0);
    assertThat(declined.isTurnedOffByBusiness()).isFalse();
    assertThat(declined.errors().get(0).code()).isEqualTo(131000);
  }

  @Test
  void mediaFollowUpCarriesMediaForTheEarlierPlaceholderAndIsNotAChunk() {
    Decoded decoded = decode("360dialog/history-media-followup.json");

    assertThat(decoded.problems()).isEmpty();
    List<HistoryMedia> media = decoded.eventsOf(HistoryMedia.class);
    assertThat(decoded.events()).hasSize(2).allMatch(HistoryMedia.class::isInstance);

    Message image = media.get(0).message();
    assertThat(image.direction()).isEqualTo(Direction.INBOUND);
    assertThat(image.media())
        .isEqualTo(
            new Media(
                "2423847561234987",
                "image/jpeg",
                "3f9d0a5e8c1b7e2f4a6d9c0b1e3f5a7c9d2e4f6a8b0c1d3e5f7a9b2c4d6e8f0a",
                "The damaged box",
                null));
    assertThat(image.text()).isEqualTo("The damaged box");
    assertThat(media.get(0).contact().profileName()).isEqualTo("Pablo Morales");
    assertThat(media.get(0).contact().party().username()).isEqualTo("pablo");
    assertThat(media.get(0).origin().location()).isEqualTo("/data/messages/0");

    Message video = media.get(1).message();
    // Same wamid as the placeholder of history-phase1-chunk3.json: it fills that message in.
    assertThat(video.wamid())
        .isEqualTo("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJCMDFCMkMzRDRFNUY2QTcwAA==");
    assertThat(video.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(video.media().id()).isEqualTo("1129384756102938");
    assertThat(video.media().mimeType()).isEqualTo("video/mp4");
    assertThat(media.get(1).contact().party().phone()).isEqualTo(PABLO);
    assertThat(media.get(1).origin().location()).isEqualTo("/data/message_echoes/0");
  }

  private static HistoryChunk decodeChunk(String fixture) {
    Decoded decoded = decode(fixture);
    assertThat(decoded.problems()).isEmpty();
    return (HistoryChunk) decoded.events().get(0);
  }
}
