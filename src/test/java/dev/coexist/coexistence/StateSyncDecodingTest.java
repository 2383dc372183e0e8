package dev.coexist.coexistence;

import static dev.coexist.coexistence.Fixtures.ANA;
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

class StateSyncDecodingTest {

  @Test
  void addedOrEditedContactsAreAddsWithNamesAndTimestamp() {
    Decoded decoded = decode("360dialog/state-sync-add.json");

    assertThat(decoded.problems()).isEmpty();
    List<ContactChange> changes = decoded.eventsOf(ContactChange.class);
    assertThat(changes).hasSize(2);
    ContactChange pablo = changes.get(0);
    assertThat(pablo.action()).isEqualTo(ContactAction.ADD);
    assertThat(pablo.actionValue()).isEqualTo("add");
    assertThat(pablo.contact()).isEqualTo(new Party(PABLO, null, null, null));
    assertThat(pablo.fullName()).isEqualTo("Pablo Morales");
    assertThat(pablo.firstName()).isEqualTo("Pablo");
    assertThat(pablo.timestamp()).isEqualTo(Instant.ofEpochSecond(1739321024L));
    assertThat(pablo.origin().phoneNumberId()).isEqualTo(PHONE_NUMBER_ID);
    assertThat(pablo.origin().wabaId()).isEqualTo(WABA_ID);
    assertThat(pablo.origin().location()).isEqualTo("/data/state_sync/0");
    assertThat(changes.get(1).contact().phone()).isEqualTo(ANA);
    assertThat(changes.get(1).fullName()).isEqualTo("Ana Lima (VIP)");
  }

  @Test
  void removeHasNoNamesAndANumericTimestamp() {
    ContactChange removed =
        decode("360dialog/state-sync-remove.json").eventsOf(ContactChange.class).get(0);

    assertThat(removed.action()).isEqualTo(ContactAction.REMOVE);
    assertThat(removed.contact().phone()).isEqualTo(OLIVER);
    assertThat(removed.fullName()).isNull();
    assertThat(removed.firstName()).isNull();
    assertThat(removed.timestamp()).isEqualTo(Instant.ofEpochSecond(1739325000L));
  }

  @Test
  void contactWithoutPhoneNumberIsKeyedByBusinessScopedUserId() {
    ContactChange maria =
        decode("360dialog/state-sync-bsuid.json").eventsOf(ContactChange.class).get(0);

    assertThat(maria.contact())
        .isEqualTo(new Party(null, MARIA_USER_ID, MARIA_PARENT_USER_ID, "maria.b"));
    assertThat(maria.fullName()).isEqualTo("Maria Becker");
  }

  @Test
  void metaEnvelopeStateSyncDecodesLikeThePartnerOne() {
    Decoded decoded = decode("meta/state-sync-add.json");

    assertThat(decoded.envelope()).isEqualTo(Envelope.META);
    ContactChange change = decoded.eventsOf(ContactChange.class).get(0);
    assertThat(change.contact())
        .isEqualTo(new Party(PABLO, "US.13491208655302741918", null, "pablo"));
    assertThat(change.fullName()).isEqualTo("Pablo Morales Jr.");
    assertThat(change.origin().location()).isEqualTo("/entry/0/changes/0/value/state_sync/0");
  }

  @Test
  void unknownActionIsKeptVerbatim() {
    ContactChange change =
        Fixtures.decodeJson(
                """
                {"id":"x","event":"smb_app_state_sync","data":{"id":"w","metadata":{},
                 "state_sync":[{"type":"contact","contact":{"phone_number":"1"},"action":"Archive",
                   "metadata":{"timestamp":"5"}}]}}
                """)
            .eventsOf(ContactChange.class)
            .get(0);

    assertThat(change.action()).isEqualTo(ContactAction.UNKNOWN);
    assertThat(change.actionValue()).isEqualTo("Archive");
  }
}
