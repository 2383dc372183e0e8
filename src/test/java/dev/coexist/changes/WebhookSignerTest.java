package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  // the reference example of the Standard Webhooks specification (and its libraries' tests)
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsAsTheStandardWebhooksReferenceDoes() {
    assertThat(WebhookSigner.signature(List.of(SECRET), ID, TIMESTAMP, BODY))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void signsWithEverySecretDuringARotationSpaceSeparated() {
    final String other = WebhookSigner.newSecret();
    final String both = WebhookSigner.signature(List.of(other, SECRET), ID, TIMESTAMP, BODY);
    assertThat(both.split(" "))
        .hasSize(2)
        .contains("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        .allSatisfy(signature -> assertThat(signature).startsWith("v1,"));
  }

  @Test
  void generatesSecretsOfThirtyTwoRandomBytesAndRefusesMalformedOnes() {
    final String generated = WebhookSigner.newSecret();
    assertThat(generated).startsWith("whsec_");
    assertThat(WebhookSigner.key(generated)).hasSize(32);
    assertThat(WebhookSigner.newSecret()).isNotEqualTo(generated);
    assertThatThrownBy(() -> WebhookSigner.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .hasMessageContaining("whsec_");
    assertThatThrownBy(() -> WebhookSigner.key("whsec_not base64!"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> WebhookSigner.key("whsec_c2hvcnQ="))
        .hasMessageContaining("16 to 64 bytes");
  }
}
