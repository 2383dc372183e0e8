package dev.coexist.apply;

import static dev.coexist.apply.StoreHarness.NUMBER;
import static dev.coexist.apply.StoreHarness.PABLO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.store.ActionView;
import dev.coexist.store.ContactView;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.MessageSource;
import dev.coexist.store.MessageView;
import dev.coexist.store.StatusView;
import dev.coexist.store.ThreadView;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One message per wamid whatever the sources; statuses, edits and reactions in any order. */
class MessageMergeIT {
  private static final String ECHO_N = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJOMDFOMk8zUDRRNVI2UzcwAA==";
  private static final String TEXT_P = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJQMDFQMlEzUjRTNVQ2VTcwAA==";
  private static final String IMAGE_Q =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJRMDFRMlIzUzRUNVU2VjcwAA==";
  private static final String WAMID_B =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJCMDFCMkMzRDRFNUY2QTcwAA==";

  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theSameWamidFromHistoryEchoAndLiveIsOneMessageWithThreeSources(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.historyMessage("wamid.same", "15550001111", "DELIVERED"));
      store.applyJson(Payloads.echo("wamid.same", 1740000105, "same message"));
      store.applyJson(Payloads.live("wamid.same", 1740000110, "same message"));

      assertThat(store.count("messages")).isEqualTo(1);
      final MessageView message = store.message("wamid.same").message();
      assertThat(message.sources())
          .containsExactlyInAnyOrder(MessageSource.HISTORY, MessageSource.ECHO, MessageSource.LIVE);
      assertThat(message.sentAt()).isEqualTo(Instant.ofEpochSecond(1740000100));
      assertThat(message.status()).isEqualTo("delivered");
      assertThat(FixturesApplyIT.threadOf(store, PABLO).messageCount()).isEqualTo(1);
    }
  }

  /**
   * A plain text's content is kept as its text (StoredContent); another arrival of the wamid with
   * other content must not take its place, as it could not take the place of stored JSON.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aTextKeepsItsContentWhenItsWamidArrivesAgainWithOther(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.live("wamid.twice", 1740000110, "the text"));
      store.applyJson(
          Payloads.meta(
              "messages",
              """
              "messages":[{"from":"16505551234","id":"wamid.twice","timestamp":"1740000111",
              "type":"unsupported","unsupported":{"type":"unknown"}}]"""));

      final MessageView message = store.message("wamid.twice").message();
      assertThat(message.type()).isEqualTo("text");
      assertThat(message.contentJson()).isEqualTo("{\"body\":\"the text\"}");
      assertThat(message.text()).isEqualTo("the text");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void mediaFollowUpBeforeItsPlaceholderEndsTheSame(final Engine engine) throws Exception {
    final String after;
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/history-phase1-chunk3.json");
      store.apply("360dialog/history-media-followup.json");
      after = StoreDump.of(store);
    }
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/history-media-followup.json");
      store.apply("360dialog/history-phase1-chunk3.json");
      assertThat(StoreDump.of(store)).isEqualTo(after);
      final MessageView video = store.message(WAMID_B).message();
      assertThat(video.type()).isEqualTo("video");
      assertThat(video.media().placeholder()).isFalse();
      assertThat(video.status()).isEqualTo("played");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void editRevokeAndReactionBeforeTheirTargetAreAttachedWhenItArrives(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/messages-edit.json");
      store.apply("meta/messages-revoke.json");
      store.apply("meta/messages-reaction.json");
      assertThat(store.count("awaiting_messages")).isEqualTo(3);
      assertThat(store.count("messages")).isZero();

      store.apply("meta/messages-text.json");
      store.apply("meta/messages-image.json");
      store.apply("meta/echo-text.json");

      final MessageView edited = store.message(TEXT_P).message();
      assertThat(edited.text()).isEqualTo("Great, thank you so much!");
      assertThat(edited.editCount()).isEqualTo(1);
      assertThat(edited.editedAt()).isEqualTo(Instant.ofEpochSecond(1740000800));
      assertThat(store.message(IMAGE_Q).message().revoked()).isTrue();
      assertThat(store.message(ECHO_N).reactionEvents()).hasSize(2);
      assertThat(store.count("awaiting_messages")).isZero();
      assertThat(FixturesApplyIT.threadOf(store, PABLO).lastPreview())
          .isEqualTo("This message was deleted");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReactionThatIsNotRemovedIsCurrent(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/echo-text.json");
      store.applyJson(
          Payloads.meta(
              "messages",
              """
              "messages":[{"from":"16505551234","id":"wamid.react","timestamp":"1740000700",
              "type":"reaction","reaction":{"message_id":"%s","emoji":"❤"}}]"""
                  .formatted(ECHO_N)));
      final MessageDetail echo = store.message(ECHO_N);
      assertThat(echo.reactions()).singleElement().extracting(ActionView::emoji).isEqualTo("❤");
      assertThat(echo.reactions().get(0).actor()).isEqualTo(PABLO);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aStatusBeforeItsMessageMakesARecordTheMessageMergesInto(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.status("wamid.early", "read", 1740000200));
      store.applyJson(Payloads.status("wamid.early", "sent", 1740000150));
      final MessageDetail record = store.message("wamid.early");
      assertThat(record.message().sources()).containsExactly(MessageSource.API);
      assertThat(record.message().direction()).isEqualTo("outbound");
      assertThat(record.message().type()).isNull();
      assertThat(record.message().status()).isEqualTo("read");
      // timed by its earliest status, whichever came first
      assertThat(record.message().sentAt()).isEqualTo(Instant.ofEpochSecond(1740000150));
      assertThat(store.count("awaiting_messages")).isZero();
      store.applyJson(Payloads.echo("wamid.early", 1740000100, "hello"));
      final MessageDetail message = store.message("wamid.early");
      assertThat(message.message().id()).isEqualTo(record.message().id());
      assertThat(message.message().threadId()).isEqualTo(record.message().threadId());
      assertThat(message.message().sources()).containsExactly(MessageSource.ECHO);
      assertThat(message.message().text()).isEqualTo("hello");
      assertThat(message.message().sentAt()).isEqualTo(Instant.ofEpochSecond(1740000100));
      assertThat(message.message().status()).isEqualTo("read");
      assertThat(message.statuses()).extracting(StatusView::status).containsExactly("sent", "read");
      assertThat(store.count("messages")).isEqualTo(1);
      final String merged = StoreDump.of(store);

      // the other order ends in the same store
      try (StoreHarness other = StoreHarness.open(engine, folder)) {
        other.applyJson(Payloads.echo("wamid.early", 1740000100, "hello"));
        other.applyJson(Payloads.status("wamid.early", "sent", 1740000150));
        other.applyJson(Payloads.status("wamid.early", "read", 1740000200));
        assertThat(StoreDump.of(other)).isEqualTo(merged);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aStatusNeverMovesBackwardsAndFailedIsTerminal(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.echo("wamid.forward", 1740000100, "hello"));
      store.applyJson(Payloads.status("wamid.forward", "read", 1740000300));
      store.applyJson(Payloads.status("wamid.forward", "delivered", 1740000200));
      store.applyJson(Payloads.status("wamid.forward", "sent", 1740000150));
      MessageDetail message = store.message("wamid.forward");
      assertThat(message.message().status()).isEqualTo("read");
      assertThat(message.message().statusAt()).isEqualTo(Instant.ofEpochSecond(1740000300));
      assertThat(message.statuses())
          .extracting(StatusView::status)
          .containsExactly("sent", "delivered", "read");

      store.applyJson(Payloads.echo("wamid.failing", 1740000100, "hello"));
      store.applyJson(Payloads.status("wamid.failing", "failed", 1740000200));
      store.applyJson(Payloads.status("wamid.failing", "read", 1740000300));
      store.applyJson(Payloads.status("wamid.failing", "played", 1740000400));
      message = store.message("wamid.failing");
      assertThat(message.message().status()).isEqualTo("failed");
      assertThat(message.statuses()).hasSize(3);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aLiveStatusDoesNotDowngradeTheHistoryStatus(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.historyMessage("wamid.old", "15550001111", "READ"));
      store.applyJson(Payloads.status("wamid.old", "delivered", 1740000200));
      assertThat(store.message("wamid.old").message().status()).isEqualTo("read");
      assertThat(store.message("wamid.old").message().historyStatus()).isEqualTo("read");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void onlyLiveInboundAfterTheLastAnswerIsUnread(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.historyMessage("wamid.hist", "16505551234", "READ"));
      store.applyJson(Payloads.live("wamid.live1", 1740000200, "first"));
      assertThat(FixturesApplyIT.threadOf(store, PABLO).unreadCount()).isEqualTo(1);
      store.applyJson(Payloads.echo("wamid.answer", 1740000300, "answer"));
      assertThat(FixturesApplyIT.threadOf(store, PABLO).unreadCount()).isZero();
      store.applyJson(Payloads.live("wamid.live2", 1740000400, "second"));

      final ThreadView thread = FixturesApplyIT.threadOf(store, PABLO);
      assertThat(thread.unreadCount()).isEqualTo(1);
      assertThat(thread.messageCount()).isEqualTo(4);
      assertThat(thread.lastPreview()).isEqualTo("second");
      assertThat(thread.lastLiveInboundAt()).isEqualTo(Instant.ofEpochSecond(1740000400));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theNewestContactChangeWinsWhateverArrivesFirst(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.contact("add", "Pablo New", 1740000300));
      store.applyJson(Payloads.contact("add", "Pablo Old", 1740000100));
      assertThat(contact(store).fullName()).isEqualTo("Pablo New");

      store.applyJson(Payloads.contact("remove", null, 1740000500));
      store.applyJson(Payloads.contact("add", "Pablo Older", 1740000400));
      final ContactView removed = contact(store);
      assertThat(removed.removed()).isTrue();
      assertThat(removed.changedAt()).isEqualTo(Instant.ofEpochSecond(1740000500));

      // the profile name of a message is the fallback of a removed contact
      store.applyJson(Payloads.live("wamid.live", 1740000600, "hi"));
      assertThat(contact(store).displayName()).isEqualTo("Pablo");
      store.applyJson(Payloads.contact("add", "Pablo Again", 1740000700));
      assertThat(contact(store).displayName()).isEqualTo("Pablo Again");
      assertThat(contact(store).profileName()).isEqualTo("Pablo");
    }
  }

  private static ContactView contact(final StoreHarness store) throws Exception {
    return store.queries.contacts().page(NUMBER, 0, 10).items().stream()
        .filter(contact -> PABLO.equals(contact.identity().phone()))
        .findFirst()
        .orElseThrow();
  }
}
