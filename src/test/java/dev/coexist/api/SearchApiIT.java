package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Search over real HTTP on both engines: messages by words (whole, prefix, any script, accents) and
 * by wamid, paged newest first; threads by the customer's phone in any formatting, name, username
 * and BSUID, and by their filters; unknown query parameters refused. Everything comes in through
 * the webhook endpoints and is applied by the processor, so the indexes are the ones the apply
 * transaction keeps.
 */
class SearchApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "search-key";
  private static final String NUMBER = "106540352242922";
  private static final String OTHER_NUMBER = "106540352248888";
  private static final String LENA = "5491155551234";
  private static final String AMIR = "971501234567";
  private static final String CLAIRE = "33612345678";
  private static final String PABLO = "16505551234";
  private static final String ANA = "16505555678";
  private static final String BSUID = "US.8810473629105523";
  private static final String LONDON = "447700900123";
  private static final String FAILED_WAMID =
      "wamid.HBgLMTY1MDU1NTU2NzgVAgARGBJZMDFZMlozQTRCNUM2RDcwAA==";

  @TempDir Path dataDir;
  private RunningApp coexist;
  private OpenApiContract contract;

  @AfterEach
  void stop() {
    if (coexist != null) {
      coexist.close();
    }
  }

  private void start(final Engine engine) throws Exception {
    contract = OpenApiContract.fromClasspath();
    coexist =
        RunningApp.start(
            dataDir,
            Map.of(ConfigKey.API_KEY, KEY, ConfigKey.DATABASE, Engines.url(engine, dataDir)));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void messagesAreFoundByWordPrefixScriptAndWamid(final Engine engine) throws Exception {
    start(engine);
    load();

    // a whole word, case and accents aside
    assertThat(texts(search("q=lait"))).containsExactly("Un café au lait, s'il vous plaît");
    assertThat(texts(search("q=CAFE"))).containsExactly("Un café au lait, s'il vous plaît");
    assertThat(texts(search("q=" + encode("Café")))).hasSize(1);
    // the beginning of a word, and every word required
    assertThat(texts(search("q=ship")))
        .containsExactly("Your order shipped", "Do you ship to London?");
    assertThat(texts(search("q=" + encode("order ship")))).containsExactly("Your order shipped");
    assertThat(texts(search("q=" + encode("order nothing")))).isEmpty();
    // other scripts, whole and prefix
    assertThat(texts(search("q=" + encode("привет")))).containsExactly("Привет, где мой заказ?");
    assertThat(texts(search("q=" + encode("зака")))).containsExactly("Привет, где мой заказ?");
    assertThat(texts(search("q=" + encode("مرحبا")))).containsExactly("مرحبا، أين طلبي؟");
    assertThat(texts(search("q=" + encode("طلب")))).containsExactly("مرحبا، أين طلبي؟");
    // a media caption is searched too
    assertThat(texts(search("q=jacket"))).containsExactly("The jacket in L");
    // query syntax of either engine is only text here
    assertThat(texts(search("q=" + encode("\"order\" OR * :* & ship")))).hasSize(1);

    // each hit names its thread and opens the thread's messages at it
    final JsonNode hit = search("q=" + encode("привет")).at("/hits/0");
    assertThat(hit.at("/thread/customer/phone").asText()).isEqualTo(LENA);
    assertThat(hit.at("/thread/id").asLong()).isEqualTo(hit.at("/message/thread_id").asLong());
    final JsonNode around =
        get(
            "/api/v1/numbers/" + NUMBER + "/threads/" + hit.at("/thread/id").asText() + "/messages",
            "limit=1&before=" + encode(hit.get("messages_before").asText()));
    assertThat(around.at("/messages/0/wamid").asText())
        .isEqualTo(hit.at("/message/wamid").asText());

    // by wamid, exactly
    final JsonNode byWamid = search("q=" + encode(FAILED_WAMID));
    assertThat(byWamid.get("hits")).hasSize(1);
    assertThat(byWamid.at("/hits/0/message/wamid").asText()).isEqualTo(FAILED_WAMID);
    assertThat(byWamid.at("/hits/0/thread/customer/phone").asText()).isEqualTo(ANA);
    assertThat(search("q=wamid.nothing-like-it").get("hits")).isEmpty();

    // one number or every number
    assertThat(texts(search("q=hello"))).hasSize(2);
    assertThat(texts(search("q=hello&number=" + OTHER_NUMBER)))
        .containsExactly("Hello from the other number");
    assertThat(status("/api/v1/search", "q=hello&number=999")).isEqualTo(404);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anEditedMessageIsFoundByItsNewWordsOnly(final Engine engine) throws Exception {
    start(engine);
    post(fixture("meta/messages-text.json"));
    awaitApplied();
    assertThat(texts(search("q=great"))).containsExactly("Great, thank you!");
    assertThat(texts(search("q=perfect"))).isEmpty();

    final ObjectNode edit = fixture("meta/messages-edit.json");
    ((ObjectNode) edit.at("/entry/0/changes/0/value/messages/0/edit/message/text"))
        .put("body", "Perfect, see you then");
    post(edit);
    awaitApplied();
    assertThat(texts(search("q=perfect"))).containsExactly("Perfect, see you then");
    assertThat(texts(search("q=great"))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void searchPagesNewestFirst(final Engine engine) throws Exception {
    start(engine);
    final long base = Instant.now().getEpochSecond() - 10_000;
    final List<ObjectNode> messages = new ArrayList<>();
    for (int n = 0; n < 7; n++) {
      // stored out of time order: the page order is the messages' time, not their arrival
      final int minute = (n * 3) % 7;
      messages.add(message(PABLO, "wamid.paging." + n, base + 60L * minute, "invoice " + minute));
    }
    post(messages(NUMBER, "15550001111", PABLO, "Pablo Morales", messages));
    awaitApplied();

    final List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      final JsonNode page =
          search("q=invoice&limit=3" + (cursor == null ? "" : "&cursor=" + encode(cursor)));
      seen.addAll(texts(page));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen)
        .containsExactly(
            "invoice 6",
            "invoice 5",
            "invoice 4",
            "invoice 3",
            "invoice 2",
            "invoice 1",
            "invoice 0");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void threadsAreFoundByPhoneNameUsernameAndBsuidAndFiltered(final Engine engine) throws Exception {
    start(engine);
    load();

    // the phone in any formatting, or a part of it
    assertThat(customers("q=" + encode("+54 9 11 5555-1234"))).containsExactly(LENA);
    assertThat(customers("q=" + LENA)).containsExactly(LENA);
    assertThat(customers("q=" + encode("5555-12"))).containsExactly(LENA);
    assertThat(customers("q=" + encode("(650) 555-5678"))).containsExactly(ANA);
    assertThat(customers("q=1650555")).containsExactlyInAnyOrder(PABLO, ANA);
    // names, username and BSUID
    assertThat(customers("q=pablo")).containsExactly(PABLO);
    assertThat(customers("q=" + encode("Claire D"))).containsExactly(CLAIRE);
    assertThat(customers("q=" + encode("@maria"))).containsExactly(BSUID);
    assertThat(customers("q=" + encode("US.88104"))).containsExactly(BSUID);
    assertThat(customers("q=nobody")).isEmpty();
    // any script, whatever the case and the diacritics
    assertThat(customers("q=" + encode("лена"))).containsExactly(LENA);
    assertThat(customers("q=" + encode("ЛЕНА"))).containsExactly(LENA);
    assertThat(customers("q=" + encode("أمير"))).containsExactly(AMIR);
    assertThat(customers("q=" + encode("CLÁIRE dubois"))).containsExactly(CLAIRE);

    // filters
    assertThat(customers("has_failed=true")).containsExactly(ANA);
    assertThat(customers("has_failed=false")).doesNotContain(ANA).contains(LENA);
    assertThat(customers("awaiting_media=true")).containsExactly(PABLO);
    assertThat(customers("unread=true")).containsExactlyInAnyOrder(LENA, AMIR, CLAIRE, PABLO);
    assertThat(customers("unread=false")).containsExactlyInAnyOrder(ANA, BSUID, LONDON);
    assertThat(customers("origin=echo")).containsExactlyInAnyOrder(ANA, BSUID);
    assertThat(customers("origin=history")).containsExactlyInAnyOrder(PABLO, LONDON);
    assertThat(customers("origin=live")).containsExactlyInAnyOrder(LENA, AMIR, CLAIRE, PABLO);
    assertThat(customers("origin=live&q=pablo&awaiting_media=true")).containsExactly(PABLO);
    assertThat(customers("origin=live&has_failed=true")).isEmpty();

    // a filtered list pages like the plain one
    final JsonNode first = threads("origin=live&limit=3");
    assertThat(first.get("threads")).hasSize(3);
    final JsonNode second =
        threads("origin=live&limit=3&cursor=" + encode(first.get("next_cursor").asText()));
    assertThat(second.get("threads")).hasSize(1);
    assertThat(second.get("next_cursor").isNull()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void unknownAndInvalidParametersAreRefusedByName(final Engine engine) throws Exception {
    start(engine);
    load();
    final String threads = "/api/v1/numbers/" + NUMBER + "/threads";

    final HttpResponse<String> misspelt = raw(threads, "unred=true&limit=5");
    assertThat(misspelt.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(misspelt.body()).get("error").asText()).isEqualTo("bad_request");
    assertThat(JSON.readTree(misspelt.body()).get("reason").asText())
        .contains("unknown query parameter unred")
        .contains("unread");
    assertThat(raw("/api/v1/search", "q=x&page=2&sort=old").body())
        .contains("unknown query parameters page, sort");
    // the other read endpoints share the check
    for (final String path :
        List.of(
            "/api/v1/numbers",
            "/api/v1/numbers/" + NUMBER,
            "/api/v1/numbers/" + NUMBER + "/contacts",
            "/api/v1/messages/" + encode(FAILED_WAMID),
            "/api/v1/journal",
            "/api/v1/partitions",
            "/api/v1/failures",
            "/api/v1/alerts",
            "/api/v1/partner-events",
            "/api/v1/events",
            "/api/v1/subscriptions",
            "/api/v1/subscriptions/1",
            "/api/v1/subscriptions/1/dead-letters")) {
      assertThat(status(path, "bogus=1")).as(path).isEqualTo(400);
    }
    assertThat(status("/api/v1/numbers", "limit=5")).isEqualTo(200);

    assertThat(status(threads, "unread=yes")).isEqualTo(400);
    assertThat(status(threads, "origin=carrier-pigeon")).isEqualTo(400);
    assertThat(raw(threads, "origin=pigeon").body()).contains("history, echo, live");
    assertThat(status("/api/v1/search", "")).isEqualTo(400);
    assertThat(status("/api/v1/search", "q=" + encode("  "))).isEqualTo(400);
    assertThat(status("/api/v1/search", "q=" + encode("!?*"))).isEqualTo(400);
    assertThat(status("/api/v1/search", "q=" + "x".repeat(201))).isEqualTo(400);
    assertThat(status("/api/v1/search", "q=x&cursor=nonsense")).isEqualTo(400);
  }

  // ---- data

  /**
   * Pablo: a history chunk with a media placeholder, then a live text; Ana: an echo that failed;
   * María: an echo with a caption, known only by BSUID and username; Lena, Amir and Claire: live
   * texts in Cyrillic, Arabic and French; and a message of a second number. The history chunk also
   * holds a conversation with a London customer.
   */
  private void load() throws Exception {
    post(fixture("360dialog/history-phase1-chunk3.json"));
    post(fixture("meta/echo-bsuid.json"));
    final long now = Instant.now().getEpochSecond();
    final ObjectNode echo = fixture("meta/echo-text.json");
    final ObjectNode value = (ObjectNode) echo.at("/entry/0/changes/0/value");
    ((ObjectNode) value.at("/contacts/0")).put("wa_id", ANA);
    ((ObjectNode) value.at("/contacts/0")).remove("user_id");
    ((ObjectNode) value.at("/contacts/0")).remove("profile");
    final ObjectNode sent = (ObjectNode) value.at("/message_echoes/0");
    sent.put("to", ANA);
    sent.remove("to_user_id");
    sent.put("id", FAILED_WAMID);
    sent.put("timestamp", Long.toString(now - 500));
    ((ObjectNode) sent.get("text")).put("body", "Your discount code is SPRING");
    post(echo);
    post(fixture("meta/statuses-failed.json"));
    post(
        messages(
            NUMBER,
            "15550001111",
            LENA,
            "Лена",
            List.of(message(LENA, "wamid.search.lena", now - 400, "Привет, где мой заказ?"))));
    post(
        messages(
            NUMBER,
            "15550001111",
            AMIR,
            "أمير",
            List.of(message(AMIR, "wamid.search.amir", now - 300, "مرحبا، أين طلبي؟"))));
    post(
        messages(
            NUMBER,
            "15550001111",
            CLAIRE,
            "Claire Dubois",
            List.of(
                message(
                    CLAIRE, "wamid.search.claire", now - 200, "Un café au lait, s'il vous plaît"),
                message(CLAIRE, "wamid.search.hello", now - 190, "hello there"))));
    post(
        messages(
            NUMBER,
            "15550001111",
            PABLO,
            "Pablo Morales",
            List.of(message(PABLO, "wamid.search.pablo", now - 100, "Is it ready?"))));
    post(
        messages(
            OTHER_NUMBER,
            "15550002222",
            PABLO,
            "Pablo Morales",
            List.of(
                message(PABLO, "wamid.search.other", now - 50, "Hello from the other number"))));
    awaitApplied();
    awaitUnread(4);
  }

  /** Thread figures are refreshed after the apply: waits until they show the unread threads. */
  private void awaitUnread(final int threads) throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      int unread = 0;
      for (final JsonNode thread : threads("limit=100").get("threads")) {
        unread += thread.get("unread_count").asInt() > 0 ? 1 : 0;
      }
      if (unread == threads) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the thread figures were not refreshed within 30 s");
  }

  private static ObjectNode message(
      final String from, final String wamid, final long timestamp, final String text) {
    final ObjectNode message = JSON.createObjectNode();
    message.put("from", from);
    message.put("id", wamid);
    message.put("timestamp", Long.toString(timestamp));
    message.put("type", "text");
    message.putObject("text").put("body", text);
    return message;
  }

  /** A Meta messages webhook of one customer's live messages. */
  private static ObjectNode messages(
      final String number,
      final String display,
      final String customer,
      final String name,
      final List<ObjectNode> messages) {
    final ObjectNode body = JSON.createObjectNode();
    body.put("object", "whatsapp_business_account");
    final ObjectNode entry = body.putArray("entry").addObject();
    entry.put("id", "102290129340398");
    final ObjectNode change = entry.putArray("changes").addObject();
    change.put("field", "messages");
    final ObjectNode value = change.putObject("value");
    value.put("messaging_product", "whatsapp");
    value.putObject("metadata").put("display_phone_number", display).put("phone_number_id", number);
    final ObjectNode contact = value.putArray("contacts").addObject();
    contact.putObject("profile").put("name", name);
    contact.put("wa_id", customer);
    final ArrayNode items = value.putArray("messages");
    messages.forEach(items::add);
    return body;
  }

  private static ObjectNode fixture(final String path) throws Exception {
    try (InputStream in = SearchApiIT.class.getResourceAsStream("/fixtures/" + path)) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private void post(final ObjectNode body) throws Exception {
    final String route = body.has("event") ? "/webhooks/360dialog" : "/webhooks/whatsapp";
    final HttpResponse<String> answer = coexist.post(route, JSON.writeValueAsBytes(body));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
  }

  private void awaitApplied() throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (get("/api/v1/journal", "state=pending").get("entries").isEmpty()) {
        assertThat(get("/api/v1/journal", "state=failed").get("entries")).isEmpty();
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the processor did not apply the journal within 30 s");
  }

  // ---- reading

  private JsonNode search(final String query) throws Exception {
    return get("/api/v1/search", query);
  }

  private JsonNode threads(final String query) throws Exception {
    return get("/api/v1/numbers/" + NUMBER + "/threads", query);
  }

  /** The customers (phone, else user id) of the threads the query lists, first page of 100. */
  private List<String> customers(final String query) throws Exception {
    final List<String> customers = new ArrayList<>();
    for (final JsonNode thread : threads(query + "&limit=100").get("threads")) {
      final JsonNode customer = thread.get("customer");
      customers.add(
          customer.get("phone").isNull()
              ? customer.get("user_id").asText()
              : customer.get("phone").asText());
    }
    return customers;
  }

  private static List<String> texts(final JsonNode page) {
    final List<String> texts = new ArrayList<>();
    for (final JsonNode hit : page.get("hits")) {
      final JsonNode message = hit.get("message");
      texts.add(
          message.get("text").isNull()
              ? message.at("/media/caption").asText()
              : message.get("text").asText());
    }
    return texts;
  }

  /** GETs with the key, expects 200, and checks the answer against openapi.yaml. */
  private JsonNode get(final String path, final String query) throws Exception {
    final HttpResponse<String> response = raw(path, query);
    assertThat(response.statusCode()).as(path + "?" + query + " " + response.body()).isEqualTo(200);
    assertThat(contract.violations(template(path), "get", 200, response.body()))
        .as("contract of %s", path)
        .isEmpty();
    return JSON.readTree(response.body());
  }

  private int status(final String path, final String query) throws Exception {
    final HttpResponse<String> response = raw(path, query);
    if (response.statusCode() != 200) {
      assertThat(contract.violations(template(path), "get", response.statusCode(), response.body()))
          .as("contract of %s %d", path, response.statusCode())
          .isEmpty();
    }
    return response.statusCode();
  }

  private HttpResponse<String> raw(final String path, final String query) throws Exception {
    return coexist.get(
        path + (query.isEmpty() ? "" : "?" + query), "Authorization", "Bearer " + KEY);
  }

  private static String template(final String path) {
    return path.replaceFirst(
            "^/api/v1/numbers/[^/]+/threads/[^/]+/messages$",
            "/api/v1/numbers/{phone_number_id}/threads/{thread_id}/messages")
        .replaceFirst(
            "^/api/v1/numbers/[^/]+/threads$", "/api/v1/numbers/{phone_number_id}/threads")
        .replaceFirst(
            "^/api/v1/numbers/[^/]+/contacts$", "/api/v1/numbers/{phone_number_id}/contacts")
        .replaceFirst("^/api/v1/numbers/[^/]+$", "/api/v1/numbers/{phone_number_id}")
        .replaceFirst("^/api/v1/messages/[^/]+$", "/api/v1/messages/{wamid}")
        .replaceFirst(
            "^/api/v1/subscriptions/[^/]+/dead-letters$", "/api/v1/subscriptions/{id}/dead-letters")
        .replaceFirst("^/api/v1/subscriptions/[^/]+$", "/api/v1/subscriptions/{id}");
  }

  private static String encode(final String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
