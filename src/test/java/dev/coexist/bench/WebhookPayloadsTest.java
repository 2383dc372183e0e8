package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookPayloadsTest {

  private final ObjectMapper json = new ObjectMapper();
  private final WebhookPayloads payloads = new WebhookPayloads("run1");

  @Test
  void smallBodiesAreMetaEnvelopesOfOneToThreeKilobytes() throws IOException {
    final PayloadSet small = payloads.small();
    final Set<String> fields = new HashSet<>();
    for (int seq = 0; seq < small.templates().size(); seq++) {
      final JsonNode body = render(small, seq);
      assertThat(body.path("object").asText()).isEqualTo("whatsapp_business_account");
      final JsonNode change = body.path("entry").path(0).path("changes").path(0);
      fields.add(change.path("field").asText());
      assertThat(change.path("value").path("metadata").path("phone_number_id").asText())
          .isNotEmpty();
    }
    assertThat(fields).containsExactlyInAnyOrder("smb_message_echoes", "messages");
    assertThat(small.minLength()).isGreaterThanOrEqualTo(1_000);
    assertThat(small.maxLength()).isLessThanOrEqualTo(3 * 1_024);
    assertThat(small.templates().stream().map(PayloadTemplate::kind))
        .contains("smb_message_echoes", "messages", "statuses");
  }

  @Test
  void historyChunksAreAboutOneMegabyteWithAThousandUniqueMessages() throws IOException {
    final PayloadSet history = payloads.history();
    final JsonNode body = render(history, 5);

    assertThat(body.path("event").asText()).isEqualTo("history");
    final JsonNode chunk = body.path("data").path("history").path(0);
    assertThat(chunk.path("metadata").path("phase").asText()).isEqualTo("1");
    final Set<String> wamids = new HashSet<>();
    chunk
        .path("threads")
        .forEach(t -> t.path("messages").forEach(m -> wamids.add(m.path("id").asText())));
    assertThat(wamids).hasSize(1_000).allMatch(id -> id.startsWith("wamid."));
    assertThat(history.minLength()).isBetween(900_000, 1_100_000);
  }

  @Test
  void everySequenceGivesADifferentBodyAndIdsCarryTheRunNonce() throws Exception {
    final PayloadSet small = payloads.small();
    final Set<String> hashes = new HashSet<>();
    final byte[] buffer = small.newBuffer();
    final int count = small.templates().size() * 3;
    for (int seq = 0; seq < count; seq++) {
      final int length = small.renderInto(seq, buffer);
      hashes.add(sha256(Arrays.copyOf(buffer, length)));
    }
    assertThat(hashes).hasSize(count);

    final byte[] other = small.newBuffer();
    final int length = new WebhookPayloads("run2").small().renderInto(0, other);
    final int mine = small.renderInto(0, buffer);
    assertThat(Arrays.copyOf(other, length)).isNotEqualTo(Arrays.copyOf(buffer, mine));
  }

  private JsonNode render(PayloadSet set, long seq) throws IOException {
    final byte[] buffer = set.newBuffer();
    final int length = set.renderInto(seq, buffer);
    return json.readTree(buffer, 0, length);
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
