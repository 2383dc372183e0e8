package dev.coexist.coexistence;

import static dev.coexist.coexistence.Fixtures.ANA;
import static dev.coexist.coexistence.Fixtures.PABLO;
import static dev.coexist.coexistence.Fixtures.decode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusDecodingTest {

  @Test
  void sentDeliveredReadInAnyCaseWithPricingAsBooleanOrString() {
    Decoded decoded = decode("meta/statuses-sent-delivered-read.json");

    assertThat(decoded.problems()).isEmpty();
    List<StatusUpdate> statuses = decoded.eventsOf(StatusUpdate.class);
    assertThat(statuses)
        .extracting(StatusUpdate::status)
        .containsExactly(
            new Status(DeliveryStatus.SENT, "sent"),
            new Status(DeliveryStatus.DELIVERED, "delivered"),
            new Status(DeliveryStatus.READ, "read"));
    assertThat(statuses)
        .extracting(StatusUpdate::wamid)
        .containsOnly("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJYMDFYMlkzWjRBNUI2QzcwAA==");
    assertThat(statuses)
        .extracting(StatusUpdate::timestamp)
        .containsExactly(
            Instant.ofEpochSecond(1740003000L),
            Instant.ofEpochSecond(1740003004L),
            Instant.ofEpochSecond(1740003060L));
    StatusUpdate sent = statuses.get(0);
    assertThat(sent.recipient().phone()).isEqualTo(PABLO);
    assertThat(sent.bizOpaqueCallbackData()).isEqualTo("order-2291");
    assertThat(sent.pricing()).isEqualTo(new Pricing(true, "PMP", "regular", "utility"));
    assertThat(statuses.get(1).pricing().billable()).isTrue();
    assertThat(statuses.get(2).pricing()).isNull();
    assertThat(statuses.get(2).origin().location())
        .isEqualTo("/entry/0/changes/0/value/statuses/2");
  }

  @Test
  void failedStatusKeepsItsErrors() {
    StatusUpdate failed = decode("meta/statuses-failed.json").eventsOf(StatusUpdate.class).get(0);

    assertThat(failed.status().kind()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(failed.recipient().phone()).isEqualTo(ANA);
    assertThat(failed.errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.code()).isEqualTo(131050);
              assertThat(error.details()).contains("stop receiving marketing messages");
              assertThat(error.href()).contains("error-codes");
            });
  }

  @Test
  void unknownStatusValueIsKeptVerbatim() {
    StatusUpdate status =
        Fixtures.decodeJson(
                """
                {"object":"whatsapp_business_account","entry":[{"id":"w","changes":[{"field":"messages",
                 "value":{"metadata":{"phone_number_id":"p"},
                  "statuses":[{"id":"wamid.1","status":"Warning","timestamp":"7"}]}}]}]}
                """)
            .eventsOf(StatusUpdate.class)
            .get(0);

    assertThat(status.status()).isEqualTo(new Status(DeliveryStatus.UNKNOWN, "Warning"));
    assertThat(status.recipient().isUnknown()).isTrue();
  }
}
