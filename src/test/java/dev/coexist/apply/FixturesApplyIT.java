package dev.coexist.apply;

import static dev.coexist.apply.StoreHarness.ANA;
import static dev.coexist.apply.StoreHarness.MARIA_USER_ID;
import static dev.coexist.apply.StoreHarness.NUMBER;
import static dev.coexist.apply.StoreHarness.OLIVER;
import static dev.coexist.apply.StoreHarness.PABLO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.store.AccountState;
import dev.coexist.store.ActionView;
import dev.coexist.store.ContactView;
import dev.coexist.store.ContactsSync;
import dev.coexist.store.CustomerIdentity;
import dev.coexist.store.HistorySync;
import dev.coexist.store.HistorySyncState;
import dev.coexist.store.MediaView;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.MessageSource;
import dev.coexist.store.MessageView;
import dev.coexist.store.NumberView;
import dev.coexist.store.PartnerEventView;
import dev.coexist.store.PhaseProgress;
import dev.coexist.store.ProblemView;
import dev.coexist.store.ThreadView;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every fixture shape, journalled and applied on both engines, and the store afterwards. */
class FixturesApplyIT {
  private static final String WAMID_A =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJBMDFBMkIzQzRENUU2RjcwAA==";
  private static final String WAMID_B =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJCMDFCMkMzRDRFNUY2QTcwAA==";
  private static final String WAMID_C =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJDMDFDMkQzRTRGNUE2QjcwAA==";
  private static final String WAMID_F =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJGMDFGMkEzQjRDNUQ2RTcwAA==";
  private static final String ECHO_N = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJOMDFOMk8zUDRRNVI2UzcwAA==";
  private static final String TEXT_P = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJQMDFQMlEzUjRTNVQ2VTcwAA==";
  private static final String IMAGE_Q =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJRMDFRMlIzUzRUNVU2VjcwAA==";
  private static final String STATUS_X =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJYMDFYMlkzWjRBNUI2QzcwAA==";
  private static final String FAILED_Y =
      "wamid.HBgLMTY1MDU1NTU2NzgVAgARGBJZMDFZMlozQTRCNUM2RDcwAA==";

  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void historyChunkWithStringNumbersTwoThreadsAndAPlaceholder(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      assertThat(store.journalState(store.apply("360dialog/history-phase1-chunk3.json")))
          .isEqualTo("applied");

      final NumberView number = store.queries.numbers().find(NUMBER).orElseThrow();
      assertThat(number.displayPhoneNumber()).isEqualTo("15550001111");
      assertThat(number.wabaId()).isEqualTo("102290129340398");
      assertThat(number.history().state()).isEqualTo(HistorySyncState.IN_PROGRESS);
      assertThat(number.history().progress()).isEqualTo(40);
      assertThat(number.history().phases()).containsExactly(new PhaseProgress(1, 1, 3, 5));

      final MessageView shipped = store.message(WAMID_A).message();
      assertThat(shipped.direction()).isEqualTo("outbound");
      assertThat(shipped.sources()).containsExactly(MessageSource.HISTORY);
      assertThat(shipped.text()).isEqualTo("Your order shipped");
      assertThat(shipped.historyStatus()).isEqualTo("read");
      assertThat(shipped.status()).isEqualTo("read");
      final MessageView placeholder = store.message(WAMID_B).message();
      assertThat(placeholder.type()).isEqualTo("media_placeholder");
      assertThat(placeholder.media().placeholder()).isTrue();
      assertThat(placeholder.status()).isEqualTo("played");
      final MessageView thanks = store.message(WAMID_C).message();
      assertThat(thanks.direction()).isEqualTo("inbound");
      assertThat(thanks.replyToWamid()).isEqualTo(WAMID_A);

      final List<ThreadView> threads = store.queries.threads().page(NUMBER, null, 10).items();
      assertThat(threads)
          .extracting(thread -> thread.customer().phone())
          .containsExactly(PABLO, OLIVER);
      assertThat(threads.get(0).messageCount()).isEqualTo(3);
      assertThat(threads.get(0).lastPreview()).isEqualTo("Thanks");
      assertThat(threads).allSatisfy(thread -> assertThat(thread.unreadCount()).isZero());
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void historyInTheMetaEnvelope(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/history-phase0-chunk1.json");

      final HistorySync history = store.queries.numbers().find(NUMBER).orElseThrow().history();
      assertThat(history.phases()).containsExactly(new PhaseProgress(0, 1, 1, 2));
      assertThat(history.progress()).isEqualTo(5);
      final ThreadView pablo = store.queries.threads().page(NUMBER, null, 10).items().get(0);
      assertThat(pablo.inboundCount()).isEqualTo(1);
      assertThat(pablo.outboundCount()).isEqualTo(1);
      assertThat(pablo.lastPreview()).isEqualTo("Until 10pm");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void lowerCaseStatusesFromMeAndAnUnknownStatus(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/history-lowercase-from-me.json");

      final List<MessageView> messages = messagesOf(store, ANA);
      assertThat(messages)
          .extracting(MessageView::direction)
          .containsExactly("outbound", "inbound", "outbound", "outbound");
      assertThat(messages)
          .extracting(MessageView::status)
          .containsExactly("read", "pending", "delivered", null);
      assertThat(messages.get(3).historyStatus()).isEqualTo("deleted_for_everyone");
      assertThat(store.rows("SELECT display_digits FROM numbers"))
          .containsExactly(List.of("15550001111"));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void usernameAdopterThreadIsKeyedByUserId(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/history-bsuid.json");
      store.apply("meta/echo-bsuid.json");
      store.apply("360dialog/state-sync-bsuid.json");

      final List<ThreadView> threads = store.queries.threads().page(NUMBER, null, 10).items();
      assertThat(threads).hasSize(1);
      final ThreadView maria = threads.get(0);
      assertThat(maria.customer())
          .isEqualTo(new CustomerIdentity(null, MARIA_USER_ID, "US.ENT.5520193847561", "maria.b"));
      assertThat(maria.messageCount()).isEqualTo(3);
      assertThat(maria.displayName()).isEqualTo("Maria Becker");
      assertThat(maria.lastPreview()).isEqualTo("Photo: The jacket in L");
      assertThat(store.queries.contacts().page(NUMBER, 0, 10).items())
          .singleElement()
          .satisfies(
              contact -> {
                assertThat(contact.source()).isEqualTo("app_sync");
                assertThat(contact.identity().userId()).isEqualTo(MARIA_USER_ID);
              });
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void historyDeclinedAndProgressOnlyChunk(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/history-progress-only.json");
      HistorySync history = store.queries.numbers().find(NUMBER).orElseThrow().history();
      assertThat(history.state()).isEqualTo(HistorySyncState.COMPLETED);
      assertThat(history.progress()).isEqualTo(100);
      assertThat(history.messages()).isZero();
      assertThat(history.completedAt()).isNotNull();
    }
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/history-declined.json");
      final HistorySync history = store.queries.numbers().find(NUMBER).orElseThrow().history();
      assertThat(history.state()).isEqualTo(HistorySyncState.DECLINED);
      assertThat(history.declinedCode()).isEqualTo(2593109);
      assertThat(history.declinedDetails())
          .isEqualTo("History sharing is turned off by the business");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void mediaFollowUpFillsThePlaceholderAndIsNoLiveMessage(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/history-phase1-chunk3.json");
      store.apply("360dialog/history-media-followup.json");

      final MessageView video = store.message(WAMID_B).message();
      assertThat(video.type()).isEqualTo("video");
      assertThat(video.sources())
          .containsExactlyInAnyOrder(MessageSource.HISTORY, MessageSource.MEDIA_FOLLOWUP);
      assertThat(video.media())
          .isEqualTo(
              new MediaView(
                  "1129384756102938",
                  "video/mp4",
                  "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
                  null,
                  null,
                  false));
      assertThat(video.status()).isEqualTo("played");
      final MessageView image = store.message(WAMID_F).message();
      assertThat(image.direction()).isEqualTo("inbound");
      assertThat(image.sources()).containsExactly(MessageSource.MEDIA_FOLLOWUP);
      assertThat(image.media().id()).isEqualTo("2423847561234987");

      final ThreadView pablo = threadOf(store, PABLO);
      assertThat(pablo.messageCount()).isEqualTo(4);
      assertThat(pablo.unreadCount()).isZero();
      assertThat(pablo.lastLiveInboundAt()).isNull();
      assertThat(pablo.displayName()).isEqualTo("Pablo Morales");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void contactsAddRemoveAndNewerEdit(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/state-sync-add.json");
      store.apply("360dialog/state-sync-remove.json");
      store.apply("meta/state-sync-add.json");

      final List<ContactView> contacts = store.queries.contacts().page(NUMBER, 0, 10).items();
      assertThat(contacts)
          .extracting(ContactView::identity)
          .extracting(CustomerIdentity::phone)
          .containsExactlyInAnyOrder(PABLO, ANA, OLIVER);
      final ContactView pablo = contactOf(contacts, PABLO);
      assertThat(pablo.fullName()).isEqualTo("Pablo Morales Jr.");
      assertThat(pablo.identity().userId()).isEqualTo("US.13491208655302741918");
      assertThat(pablo.changedAt()).isEqualTo(Instant.ofEpochSecond(1740004000));
      assertThat(contactOf(contacts, ANA).displayName()).isEqualTo("Ana Lima (VIP)");
      final ContactView oliver = contactOf(contacts, OLIVER);
      assertThat(oliver.removed()).isTrue();
      assertThat(oliver.source()).isEqualTo("app_sync");
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().contacts())
          .isEqualTo(new ContactsSync(3, 1, Instant.ofEpochSecond(1740004000)));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void echoesInBothEnvelopesAreOneMessageAndLinkPhoneWithUserId(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("360dialog/echo-text.json");
      store.apply("meta/echo-text.json");

      final MessageView echo = store.message(ECHO_N).message();
      assertThat(echo.direction()).isEqualTo("outbound");
      assertThat(echo.sources()).containsExactly(MessageSource.ECHO);
      assertThat(store.count("messages")).isEqualTo(1);
      assertThat(store.rows("SELECT kind, value FROM customer_identities ORDER BY kind"))
          .containsExactly(List.of("phone", PABLO), List.of("user_id", "US.13491208655302741918"));
      final ThreadView pablo = threadOf(store, PABLO);
      assertThat(pablo.unreadCount()).isZero();
      assertThat(pablo.customer().username()).isEqualTo("pablo");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void liveTextImageAllTypesSystemAndUnsupported(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/messages-text.json");
      store.apply("meta/messages-image.json");
      store.apply("meta/messages-all-types.json");
      store.apply("meta/messages-system.json");
      store.apply("meta/messages-unsupported-131060.json");

      final MessageView text = store.message(TEXT_P).message();
      assertThat(text.sources()).containsExactly(MessageSource.LIVE);
      assertThat(text.replyToWamid()).isEqualTo(ECHO_N);
      final MessageView image = store.message(IMAGE_Q).message();
      assertThat(image.media().id()).isEqualTo("3307416289375521");
      assertThat(image.text()).isEqualTo("Arrived, thanks");
      assertThat(store.message("wamid.ALLTYPES.future").message().type()).isEqualTo("poll_vote");
      assertThat(store.message("wamid.ALLTYPES.future").message().contentJson())
          .contains("wamid.POLL");
      assertThat(store.message("wamid.ALLTYPES.document").message().media().filename())
          .isEqualTo("invoice-2291.pdf");
      assertThat(store.message("wamid.ALLTYPES.interactive").message().text())
          .isEqualTo("Confirm 8pm");
      assertThat(
              store
                  .message("wamid.HBgLMTY1MDU1NTU2NzgVAgASGBJWMDFWMlczWDRZNVo2QTcwAA==")
                  .message()
                  .errorsJson())
          .contains("131060");

      final ThreadView pablo = threadOf(store, PABLO);
      assertThat(pablo.messageCount()).isEqualTo(13);
      assertThat(pablo.unreadCount()).isEqualTo(13);
      assertThat(pablo.displayName()).isEqualTo("Pablo Morales");
      assertThat(pablo.lastPreview()).isEqualTo("Poll vote");
      assertThat(
              store
                  .message("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJXMDFXMlgzWTRaNUE2QjcwAA==")
                  .message()
                  .text())
          .startsWith("User Pablo Morales changed");
      assertThat(threadOf(store, ANA).lastPreview()).isEqualTo("Unsupported message");
      assertThat(store.queries.contacts().page(NUMBER, 0, 10).items())
          .extracting(ContactView::source)
          .containsOnly("message_profile");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void editRevokeAndReactionAttachToTheirTargets(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/echo-text.json");
      store.apply("meta/messages-text.json");
      store.apply("meta/messages-image.json");
      store.apply("meta/messages-edit.json");
      store.apply("meta/messages-revoke.json");
      store.apply("meta/messages-reaction.json");

      final MessageDetail edited = store.message(TEXT_P);
      assertThat(edited.message().text()).isEqualTo("Great, thank you so much!");
      assertThat(edited.message().originalText()).isEqualTo("Great, thank you!");
      assertThat(edited.message().editCount()).isEqualTo(1);
      assertThat(edited.edits())
          .singleElement()
          .extracting(ActionView::text)
          .isEqualTo("Great, thank you so much!");
      assertThat(store.message(IMAGE_Q).message().revoked()).isTrue();
      final MessageDetail echo = store.message(ECHO_N);
      assertThat(echo.reactionEvents()).extracting(ActionView::emoji).containsExactly("👍", null);
      assertThat(echo.reactions()).isEmpty();
      // edits, revokes and reactions are not messages of the thread
      assertThat(threadOf(store, PABLO).messageCount()).isEqualTo(3);
      assertThat(store.count("awaiting_messages")).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void statusesKeepTheirHistoryAndMakeTheRecordOfTheirMessage(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/statuses-sent-delivered-read.json");
      store.apply("meta/statuses-failed.json");

      assertThat(store.count("awaiting_messages")).isZero();
      final MessageDetail read = store.message(STATUS_X);
      assertThat(read.message().sources()).containsExactly(MessageSource.API);
      assertThat(read.message().direction()).isEqualTo("outbound");
      assertThat(read.message().status()).isEqualTo("read");
      assertThat(read.message().sentAt()).isEqualTo(Instant.ofEpochSecond(1740003000));
      assertThat(threadOf(store, PABLO).messageCount()).isEqualTo(1);
      final MessageDetail failed = store.message(FAILED_Y);
      assertThat(failed.message().status()).isEqualTo("failed");
      assertThat(failed.statuses().get(0).errorsJson()).contains("131050");
      assertThat(threadOf(store, ANA).messageCount()).isEqualTo(1);
      assertThat(
              store.rows(
                  "SELECT status, status_at FROM message_statuses WHERE wamid = ? ORDER BY status_at",
                  STATUS_X))
          .containsExactly(
              List.of("sent", "1740003000"),
              List.of("delivered", "1740003004"),
              List.of("read", "1740003060"));
      assertThat(
              store.rows(
                  "SELECT pricing, biz_opaque_callback_data FROM message_statuses"
                      + " WHERE wamid = ? AND status = 'sent'",
                  STATUS_X))
          .singleElement()
          .satisfies(row -> assertThat(row.get(1)).isEqualTo("order-2291"));
      assertThat(
              store
                  .rows("SELECT errors FROM message_statuses WHERE wamid = ?", FAILED_Y)
                  .get(0)
                  .get(0))
          .asString()
          .contains("131050");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void accountUpdateMultiEntryPartnerEventsAndUnknownFields(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final long removed = store.apply("meta/account-update-partner-removed.json");
      store.apply("meta/multi-entry-multi-change.json");
      store.apply("360dialog/partner-event-channel-created.json");
      store.apply("360dialog/partner-event-account-violation.json");
      final long calls = store.apply("meta/unknown-field-calls.json");
      final long errors = store.apply("meta/messages-value-errors.json");

      assertThat(store.journalState(removed)).isEqualTo("applied");
      final List<NumberView> numbers = store.queries.numbers().all();
      assertThat(numbers)
          .extracting(NumberView::phoneNumberId)
          .containsExactly(NUMBER, "107777777777777");
      assertThat(numbers.get(0).account())
          .extracting(AccountState::event, AccountState::reason, AccountState::initiatedBy)
          .containsExactly("PARTNER_REMOVED", "PRIMARY_INACTIVITY", "SYSTEM");
      assertThat(numbers.get(1).account().event()).isEqualTo("ACCOUNT_RECONNECTED");
      assertThat(store.queries.threads().page("107777777777777", null, 10).items())
          .singleElement()
          .extracting(ThreadView::displayName)
          .isEqualTo("Lena Ortiz");
      assertThat(store.queries.threads().page(NUMBER, null, 10).items())
          .extracting(thread -> thread.customer().phone())
          .containsExactlyInAnyOrder(PABLO, ANA);
      // the status of a message sent through the Cloud API: a record in Ana's thread, no wait
      assertThat(store.count("awaiting_messages")).isZero();
      assertThat(store.message("wamid.MULTI.api.sent").message().sources())
          .containsExactly(MessageSource.API);
      assertThat(store.queries.partnerEvents().after(0, 10))
          .extracting(PartnerEventView::event)
          .containsExactly("channel_created", "account_violation");
      assertThat(store.problems.all(calls))
          .singleElement()
          .satisfies(problem -> assertThat(problem.kind()).isEqualTo("unknown_change"));
      assertThat(store.problems.all(errors))
          .singleElement()
          .satisfies(
              problem -> {
                assertThat(problem.kind()).isEqualTo("platform_error");
                assertThat(problem.message()).contains("131000");
              });
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void badItemsAreRecordedAndTheirNeighboursApplied(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final long messages = store.apply("bad/messages-missing-wamid.json");
      final long statuses = store.apply("bad/statuses-without-id.json");
      final long history = store.apply("bad/history-broken-thread.json");
      final long contacts = store.apply("bad/state-sync-contact-without-identity.json");
      final long entries = store.apply("bad/multi-entry-one-broken.json");
      final long noData = store.apply("bad/partner-history-without-data.json");

      for (final long id : List.of(messages, statuses, history, contacts, entries, noData)) {
        assertThat(store.journalState(id)).isEqualTo("applied");
      }
      assertThat(store.problems.all(messages)).hasSize(2);
      assertThat(store.rows("SELECT wamid FROM messages ORDER BY wamid"))
          .containsExactly(
              List.of("wamid.BAD.history.ok"),
              List.of("wamid.BAD.ok.after"),
              List.of("wamid.BAD.ok.before"),
              // the good status of a message not seen: its record (origin api)
              List.of("wamid.BAD.status.ok"),
              List.of("wamid.BAD.survivor"));
      assertThat(store.message("wamid.BAD.ok.after").message().sentAt()).isNull();
      assertThat(store.problems.all(statuses)).hasSize(3);
      assertThat(store.rows("SELECT wamid, status FROM message_statuses"))
          .containsExactly(List.of("wamid.BAD.status.ok", "read"));
      assertThat(store.problems.all(history)).hasSize(4);
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().phases())
          .containsExactly(new PhaseProgress(1, 1, 4, 1));
      assertThat(store.problems.all(contacts))
          .extracting(ProblemView::kind)
          .containsExactlyInAnyOrder("decode", "decode", "unknown_change");
      assertThat(store.queries.contacts().page(NUMBER, 0, 10).items())
          .extracting(ContactView::fullName)
          .contains("Pablo Morales");
      assertThat(store.problems.all(entries)).hasSize(4);
      assertThat(store.problems.all(noData))
          .singleElement()
          .satisfies(problem -> assertThat(problem.location()).isEqualTo("/data"));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void deliveriesThatAreNoEnvelopeFail(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final long onPremises = store.apply("bad/not-an-envelope.json");
      final long page = store.apply("bad/foreign-object.json");

      for (final long id : Set.of(onPremises, page)) {
        assertThat(store.journalState(id)).isEqualTo("failed");
        assertThat(store.states.summary(id).orElseThrow().error()).startsWith("not a webhook");
        assertThat(store.states.summary(id).orElseThrow().attempts()).isEqualTo(1);
      }
      assertThat(store.count("messages")).isZero();
    }
  }

  static List<MessageView> messagesOf(final StoreHarness store, final String phone)
      throws Exception {
    return store
        .queries
        .messages()
        .page(NUMBER, threadOf(store, phone).threadId(), null, null, 100)
        .messages();
  }

  static ThreadView threadOf(final StoreHarness store, final String phone) throws Exception {
    return store.queries.threads().page(NUMBER, null, 100).items().stream()
        .filter(thread -> phone.equals(thread.customer().phone()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no thread with " + phone));
  }

  private static ContactView contactOf(final List<ContactView> contacts, final String phone) {
    return contacts.stream()
        .filter(contact -> phone.equals(contact.identity().phone()))
        .findFirst()
        .orElseThrow();
  }
}
