package dev.coexist.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.coexistence.Decoded;
import dev.coexist.coexistence.Decoder;
import dev.coexist.coexistence.InboundMessage;
import dev.coexist.coexistence.Message;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StoredContentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One inbound message of the given type and content object, decoded as the processor does. */
  private static Message message(final String type, final String content) {
    final String body =
        """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",
         "value":{"messaging_product":"whatsapp",
                  "metadata":{"display_phone_number":"15550001111","phone_number_id":"1065"},
                  "messages":[{"from":"16505551234","id":"wamid.A","timestamp":"1740000000",
                               "type":"%s","%s":%s}]}}]}]}
        """
            .formatted(type, type, content);
    final Decoded decoded = new Decoder().decode(body.getBytes(StandardCharsets.UTF_8));
    return decoded.events().stream()
        .filter(InboundMessage.class::isInstance)
        .map(event -> ((InboundMessage) event).message())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPlainTextIsImpliedByItsTextAndReadBackAsReceived() throws Exception {
    final Message text = message("text", "{\"body\":\"Is the blue one in M? \\\"yes\\\" 👍\"}");
    assertThat(StoredContent.isImplied(text)).isTrue();
    final String read = StoredContent.read("text", null, text.text());
    assertThat(JSON.readTree(read)).isEqualTo(text.content());
  }

  @Test
  void aTextWithAnyOtherFieldIsStoredAsReceived() {
    // unknown fields are kept: the content is not just its body
    assertThat(StoredContent.isImplied(message("text", "{\"body\":\"hi\",\"preview_url\":true}")))
        .isFalse();
    assertThat(StoredContent.read("text", "{\"body\":\"hi\",\"preview_url\":true}", "hi"))
        .isEqualTo("{\"body\":\"hi\",\"preview_url\":true}");
  }

  @Test
  void otherTypesAndOddBodiesAreStoredAsReceived() {
    final Message image = message("image", "{\"id\":\"330\",\"caption\":\"Arrived\"}");
    assertThat(StoredContent.isImplied(image)).isFalse();
    assertThat(StoredContent.isImplied(message("text", "{\"body\":42}"))).isFalse();
    assertThat(StoredContent.isImplied(message("text", "{}"))).isFalse();
    // a stored NULL of any other type (a media placeholder) stays NULL
    assertThat(StoredContent.read("media_placeholder", null, null)).isNull();
    assertThat(StoredContent.read("image", null, "Arrived")).isNull();
  }

  @Test
  void theImpliedContentIsExactlyTheBodyObject() throws Exception {
    final JsonNode read = JSON.readTree(StoredContent.read("text", null, "hi"));
    assertThat(read.size()).isEqualTo(1);
    assertThat(read.get("body").textValue()).isEqualTo("hi");
  }
}
