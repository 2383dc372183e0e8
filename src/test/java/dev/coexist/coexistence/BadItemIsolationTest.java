package dev.coexist.coexistence;

import static dev.coexist.coexistence.Fixtures.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

class BadItemIsolationTest {

  @Test
  void messageWithoutWamidAndNonObjectItemDoNotHideTheirNeighbours() {
    Decoded decoded = decode("bad/messages-missing-wamid.json");

    assertThat(decoded.eventsOf(InboundMessage.class))
        .extracting(event -> event.message().wamid())
        .containsExactly("wamid.BAD.ok.before", "wamid.BAD.ok.after");
    assertThat(decoded.problems())
        .extracting(DecodeProblem::location, DecodeProblem::message)
        .containsExactly(
            tuple("/entry/0/changes/0/value/messages/1", "message without id (wamid)"),
            tuple(
                "/entry/0/changes/0/value/messages/2", "message is not a JSON object but string"));
    assertThat(decoded.problems().get(0).item().path("text").path("body").asText())
        .isEqualTo("I have no id");
    // An unreadable timestamp is no reason to drop the message; it is simply unknown.
    assertThat(decoded.eventsOf(InboundMessage.class).get(1).message().timestamp()).isNull();
  }

  @Test
  void statusesWithoutIdOrValueAreProblemsTheGoodOneIsAnEvent() {
    Decoded decoded = decode("bad/statuses-without-id.json");

    assertThat(decoded.eventsOf(StatusUpdate.class))
        .extracting(StatusUpdate::wamid)
        .containsExactly("wamid.BAD.status.ok");
    assertThat(decoded.problems())
        .extracting(DecodeProblem::location, DecodeProblem::message)
        .containsExactly(
            tuple("/entry/0/changes/0/value/statuses/0", "status without id (wamid)"),
            tuple("/entry/0/changes/0/value/statuses/2", "status without status value"),
            tuple("/entry/0/changes/0/value/statuses/3", "status is not a JSON object but number"));
  }

  @Test
  void brokenThreadsAndMessagesInAChunkLeaveTheRestOfTheChunk() {
    Decoded decoded = decode("bad/history-broken-thread.json");

    HistoryChunk chunk = decoded.eventsOf(HistoryChunk.class).get(0);
    assertThat(chunk.progress()).isEqualTo(55);
    assertThat(chunk.threads()).hasSize(1);
    assertThat(chunk.threads().get(0).messages())
        .extracting(m -> m.message().wamid())
        .containsExactly("wamid.BAD.history.ok");
    assertThat(decoded.problems())
        .extracting(DecodeProblem::location, DecodeProblem::message)
        .containsExactly(
            tuple("/data/history/0/threads/0", "thread is not a JSON object but number"),
            tuple(
                "/data/history/0/threads/1",
                "thread without id or context: no customer to attach it to"),
            tuple("/data/history/0/threads/2/messages/0", "message without id (wamid)"),
            tuple("/data/history/1", "history item is not a JSON object but string"));
  }

  @Test
  void contactsWithoutIdentityOrActionAreProblemsUnknownTypesAreKept() {
    Decoded decoded = decode("bad/state-sync-contact-without-identity.json");

    assertThat(decoded.eventsOf(ContactChange.class))
        .extracting(change -> change.contact().phone())
        .containsExactly("16505551234");
    assertThat(decoded.eventsOf(UnknownChange.class))
        .singleElement()
        .satisfies(
            unknown -> {
              assertThat(unknown.reason()).isEqualTo("unknown state_sync type 'label'");
              assertThat(unknown.origin().location()).isEqualTo("/data/state_sync/3");
              assertThat(unknown.raw().path("label").path("name").asText()).isEqualTo("VIP");
            });
    assertThat(decoded.problems())
        .extracting(DecodeProblem::location, DecodeProblem::message)
        .containsExactly(
            tuple("/data/state_sync/0", "contact without phone_number or user_id"),
            tuple("/data/state_sync/1", "state_sync item without action"));
  }

  @Test
  void brokenEntriesAndChangesAreIsolatedFromTheGoodChange() {
    Decoded decoded = decode("bad/multi-entry-one-broken.json");

    assertThat(decoded.eventsOf(InboundMessage.class))
        .extracting(event -> event.message().wamid())
        .containsExactly("wamid.BAD.survivor");
    assertThat(decoded.problems())
        .extracting(DecodeProblem::location, DecodeProblem::message)
        .containsExactly(
            tuple("/entry/0", "entry is not a JSON object but string"),
            tuple("/entry/1", "entry without a 'changes' array"),
            tuple("/entry/2/changes/0", "change 'messages' without a value object"),
            tuple("/entry/2/changes/1", "change without field"));
  }

  @Test
  void partnerHistoryWithoutDataObjectIsAProblemNotARejection() {
    Decoded decoded = decode("bad/partner-history-without-data.json");

    assertThat(decoded.events()).isEmpty();
    assertThat(decoded.problems())
        .extracting(DecodeProblem::location, DecodeProblem::message)
        .containsExactly(tuple("/data", "event 'history' without a data object"));
  }

  @Test
  void arrayFieldThatIsNotAnArrayIsAProblem() {
    Decoded decoded =
        Fixtures.decodeJson(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"w","changes":[{"field":"messages",
             "value":{"metadata":{"phone_number_id":"p"},"messages":{"id":"wamid.1"},
              "statuses":[{"id":"wamid.2","status":"sent"}]}}]}]}
            """);

    assertThat(decoded.eventsOf(StatusUpdate.class)).hasSize(1);
    assertThat(decoded.problems())
        .extracting(DecodeProblem::location, DecodeProblem::message)
        .containsExactly(
            tuple("/entry/0/changes/0/value/messages", "'messages' is not an array but object"));
  }
}
