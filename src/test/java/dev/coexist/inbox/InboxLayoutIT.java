package dev.coexist.inbox;

import static dev.coexist.inbox.Deliveries.NUMBER;
import static dev.coexist.inbox.Deliveries.PABLO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The inbox a support engineer works in all day, in headless Chromium against the real Coexist: a
 * phone-sized screen, dark mode, a long thread read by scrolling up, readable bubbles and previews
 * in words. Screenshots go to target/screenshots/, and to docs/screenshots/ with {@code
 * -Ddocs.screenshots=true} ({@link DocsScreenshots}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxLayoutIT {
  private static final String KEY = "test-key";
  private static final String TIME_ZONE = "America/Sao_Paulo";

  /** The customer of the long thread. */
  private static final String LONG = "16505550600";

  /** The issue measured a thread of 2,099 messages. */
  private static final int LONG_MESSAGES = 2_000;

  /** Messages per delivery of the long thread: ten deliveries, not two thousand. */
  private static final int LONG_DELIVERY = 200;

  private static final int PAGE = 50;

  /** The long thread's message whose day the reader jumps to before it is loaded. */
  private static final int JUMP_TO = 500;

  /** A customer who writes Arabic. */
  private static final String RTL = "16505550700";

  private static final String PLACEHOLDER =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJCMDFCMkMzRDRFNUY2QTcwAA==";
  private static final String READ_ECHO =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJYMDFYMlkzWjRBNUI2QzcwAA==";

  /** meta/messages-all-types.json item, its type, the customer it is sent from, its preview. */
  private record Kind(int index, String type, String customer, String preview) {}

  private static final List<Kind> KINDS =
      List.of(
          new Kind(1, "audio", "16505550801", "Voice message"),
          new Kind(3, "sticker", "16505550802", "Sticker"),
          new Kind(4, "location", "16505550803", "Location: Casa Pablo"),
          new Kind(5, "contacts", "16505550804", "Contact: Lena Ortiz"),
          new Kind(6, "interactive", "16505550805", "Confirm 8pm"),
          new Kind(0, "video", "16505550806", "Video: Unboxing"));

  @TempDir static Path temp;
  private RunningApp app;
  private Deliveries deliveries;
  private Browser browser;
  private long longStart;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    app = RunningApp.start(temp.resolve("data"), Map.of(ConfigKey.API_KEY, KEY));
    deliveries = new Deliveries(app, KEY);
    deliveries.post("360dialog/history-phase1-chunk3.json");
    deliveries.post("meta/messages-all-types.json");
    deliveries.post(
        "meta/echo-text.json",
        Deliveries.echo(PABLO, READ_ECHO, "Your invoice is attached", 1_740_002_990));
    deliveries.post("meta/statuses-sent-delivered-read.json");
    final long now = System.currentTimeMillis() / 1000;
    for (final Kind kind : KINDS) {
      deliveries.post("meta/messages-all-types.json", only(kind, now));
    }
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.inboundText(RTL, "ليلى", "wamid.rtl.1", "مرحبا، أين طلبي؟"));
    // the long thread: one message an hour for 83 days
    longStart = now - LONG_MESSAGES * 3600L;
    for (int from = 0; from < LONG_MESSAGES; from += LONG_DELIVERY) {
      deliveries.post("meta/messages-text.json", longThread(from, LONG_DELIVERY, longStart));
    }
    deliveries.awaitProcessed();
    browser = Browser.start(Files.createDirectories(temp.resolve("chromium")), TIME_ZONE);
  }

  /** One item of messages-all-types.json, from its own customer, sent now. */
  private static java.util.function.Consumer<ObjectNode> only(final Kind kind, final long now) {
    return body -> {
      final ObjectNode value = Deliveries.value(body);
      final ObjectNode message = (ObjectNode) value.at("/messages/" + kind.index()).deepCopy();
      message.put("from", kind.customer());
      message.put("id", "wamid.kind." + kind.type());
      message.put("timestamp", Long.toString(now));
      message.remove("context");
      value.putArray("messages").add(message);
      final ObjectNode contact = (ObjectNode) value.at("/contacts/0");
      contact.put("wa_id", kind.customer());
      ((ObjectNode) contact.get("profile")).put("name", "Customer " + kind.type());
    };
  }

  private static java.util.function.Consumer<ObjectNode> longThread(
      final int from, final int count, final long start) {
    return body -> {
      final ObjectNode value = Deliveries.value(body);
      final ObjectNode contact = (ObjectNode) value.at("/contacts/0");
      contact.put("wa_id", LONG);
      ((ObjectNode) contact.get("profile")).put("name", "Long Thread");
      final ArrayNode messages = value.putArray("messages");
      for (int n = from; n < from + count; n++) {
        final ObjectNode message = messages.addObject();
        message.put("from", LONG);
        message.put("id", longWamid(n));
        message.put("timestamp", Long.toString(start + n * 3600L));
        message.put("type", "text");
        message.putObject("text").put("body", "Long message " + n);
      }
    };
  }

  private static String longWamid(final int n) {
    return "wamid.long." + n;
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @BeforeEach
  void signIn() {
    browser.fullViewport();
    browser.colorScheme("");
    open();
  }

  private void open() {
    browser.signIn(app.uri("/").toString(), KEY);
    browser.awaitElement("#numbers li.number");
  }

  @AfterEach
  void reset() {
    browser.fullViewport();
    browser.colorScheme("");
  }

  /** Saves the screen under target/screenshots (and as docs/screenshots/NAME.png when asked). */
  private void shot(final String name) {
    DocsScreenshots.copy(browser.screenshot("InboxLayoutIT-" + name), name);
  }

  private long threadId(final String customerPhone) {
    return StreamSupport.stream(
            deliveries
                .api("/api/v1/numbers/" + NUMBER + "/threads?limit=500")
                .get("threads")
                .spliterator(),
            false)
        .filter(thread -> customerPhone.equals(Deliveries.text(thread.at("/customer/phone"))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no thread with " + customerPhone))
        .get("id")
        .asLong();
  }

  private void selectNumber() {
    browser.awaitElement("li.number[data-phone-number-id='" + NUMBER + "'] .number-open").click();
    browser.awaitElement("#threads li");
  }

  private WebElement threadButton(final String customerPhone) {
    return browser.awaitElement(".thread-open[data-thread-id='" + threadId(customerPhone) + "']");
  }

  private void openThread(final String customerPhone) {
    selectNumber();
    threadButton(customerPhone).click();
    browser.awaitElement("#messages li.message");
  }

  private WebElement message(final String wamid) {
    return browser.awaitElement("#messages li.message[data-wamid='" + wamid + "']");
  }

  private long count(final String css) {
    return ((Number) browser.script("return document.querySelectorAll(arguments[0]).length", css))
        .longValue();
  }

  private void assertNoHorizontalOverflow() {
    final long width = count("html") > 0 ? number("document.documentElement.scrollWidth") : 0;
    assertThat(width)
        .as("page width at a %d px wide viewport", number("window.innerWidth"))
        .isLessThanOrEqualTo(number("window.innerWidth"));
  }

  private long number(final String expression) {
    return ((Number) browser.script("return " + expression)).longValue();
  }

  private boolean shown(final String css) {
    return (Boolean)
        browser.script(
            "const e = document.querySelector(arguments[0]);"
                + " return !!e && e.getClientRects().length > 0",
            css);
  }

  @Test
  void previewsAreWordsAndTheApiAgrees() {
    selectNumber();
    for (final Kind kind : KINDS) {
      final WebElement preview =
          threadButton(kind.customer()).findElement(By.cssSelector("[data-role=preview]"));
      assertThat(preview.getText()).as(kind.type()).isEqualTo(kind.preview());
      final JsonNode thread =
          StreamSupport.stream(
                  deliveries
                      .api("/api/v1/numbers/" + NUMBER + "/threads?limit=500")
                      .get("threads")
                      .spliterator(),
                  false)
              .filter(candidate -> candidate.get("id").asLong() == threadId(kind.customer()))
              .findFirst()
              .orElseThrow();
      assertThat(thread.get("last_preview").asText()).isEqualTo(kind.preview());
    }
    assertThat(
            browser.all("#threads [data-role=preview]").stream().map(WebElement::getText).toList())
        .noneMatch(text -> text.contains("[") || text.contains("_"));
    // the Arabic preview reads right to left on its own, after the "You: " of nobody
    final WebElement rtl = threadButton(RTL).findElement(By.cssSelector("[data-role=preview]"));
    assertThat(rtl.getDomAttribute("dir")).isEqualTo("auto");
    assertThat(browser.script("return getComputedStyle(arguments[0]).direction", rtl))
        .isEqualTo("rtl");
    shot("previews");
  }

  @Test
  void locationContactAndInteractiveRepliesAreReadableBubbles() {
    openThread(PABLO);
    final WebElement location = message("wamid.ALLTYPES.location");
    assertThat(location.findElement(By.cssSelector("[data-role=location]")).getText())
        .contains("Casa Pablo")
        .contains("1 Hacker Way, Menlo Park")
        .contains("37.48470, -122.14770");
    final WebElement contact = message("wamid.ALLTYPES.contacts");
    assertThat(contact.findElement(By.cssSelector("[data-role=contact-card]")).getText())
        .contains("Lena Ortiz")
        .contains("+1 650 555 4321");
    final WebElement reply = message("wamid.ALLTYPES.interactive");
    assertThat(reply.findElement(By.cssSelector("[data-role=interactive]")).getText())
        .contains("Tapped a button")
        .contains("Confirm 8pm");
    final WebElement button = message("wamid.ALLTYPES.button");
    assertThat(button.findElement(By.cssSelector("[data-role=interactive]")).getText())
        .contains("Stop promotions")
        .contains("STOP_PROMOS");
    for (final WebElement readable : List.of(location, contact, reply, button)) {
      assertThat(readable.findElements(By.cssSelector(".content-details"))).isEmpty();
      assertThat(readable.getText()).doesNotContain("{").doesNotContain("\"");
    }
    final WebElement voice = message("wamid.ALLTYPES.audio");
    assertThat(voice.findElement(By.cssSelector("[data-role=media]")).getText())
        .startsWith("Voice message");

    // the history placeholder from February 2025: far more than 14 days before the onboarding
    final WebElement placeholder = message(PLACEHOLDER);
    assertThat(placeholder.findElement(By.cssSelector("[data-role=media]")).getText())
        .contains("will not come")
        .doesNotContain("has not arrived");

    // the wamid is there to copy, with every status WhatsApp reported
    final WebElement read = message(READ_ECHO);
    read.findElement(By.cssSelector(".message-details summary")).click();
    assertThat(read.findElement(By.cssSelector("[data-role=wamid]")).getText())
        .isEqualTo(READ_ECHO);
    browser.await(d -> read.findElements(By.cssSelector("[data-role=status]")).size() == 3);
    assertThat(read.findElements(By.cssSelector("[data-role=status]")))
        .extracting(status -> status.getDomAttribute("data-status"))
        .containsExactly("sent", "delivered", "read");
    assertThat(read.findElement(By.cssSelector("[data-role=status] time")).getText())
        .contains("GMT-3");
    browser.script("arguments[0].scrollIntoView({block: 'center'})", location);
    shot("bubbles");
  }

  @Test
  void aLongThreadLoadsOlderPagesAsTheReaderScrollsUpWithoutRenderingAgain() {
    openThread(LONG);
    browser.await(d -> count("#messages li.message") >= PAGE);
    final long first = count("#messages li.message");
    assertThat(first).isLessThan(LONG_MESSAGES);
    // day separators: one message an hour, so one separator every 24 messages or so
    assertThat(count("#messages li.day")).isGreaterThanOrEqualTo(2);
    // watch the list: what is shown must stay, only new nodes may come
    browser.script(
        "window.shown = [...document.querySelectorAll('#messages > li')];"
            + " window.removed = 0; window.added = 0;"
            + " new MutationObserver(records => records.forEach(r => {"
            + "   window.removed += r.removedNodes.length; window.added += r.addedNodes.length; }))"
            + " .observe(document.getElementById('messages'), {childList: true});");
    final long before = count("#messages li.message");
    browser.script("document.getElementById('messages-scroller').scrollTop = 0");
    browser.await(d -> count("#messages li.message") >= before + PAGE);
    assertThat(count("#messages li.message")).isEqualTo(before + PAGE);
    assertThat(number("window.removed")).isZero();
    assertThat((Boolean) browser.script("return window.shown.every(node => node.isConnected)"))
        .isTrue();
    assertThat(number("window.added")).isLessThanOrEqualTo(PAGE + PAGE / 20 + 2);
    // the reader stays on what they read: the scroll position is not at the top any more
    assertThat(number("document.getElementById('messages-scroller').scrollTop")).isPositive();

    // jump to a day months back, far older than anything loaded: the pages in between load and
    // the day's separator comes to the top, followed by the day's first message
    final LocalDate jumpDay = longDay(JUMP_TO);
    final int firstOfDay =
        IntStream.rangeClosed(0, JUMP_TO)
            .filter(n -> longDay(n).equals(jumpDay))
            .findFirst()
            .orElseThrow();
    final String daySeparator = "#messages li.day[data-day='" + jumpDay + "']";
    assertThat(count(daySeparator)).isZero();
    assertThat(count("#messages li.message[data-wamid='" + longWamid(firstOfDay) + "']")).isZero();
    browser.script(
        "const input = document.getElementById('jump-date'); input.value = arguments[0];"
            + " input.dispatchEvent(new Event('change'))",
        jumpDay.toString());
    browser.await(Duration.ofSeconds(20), d -> atTheTop(daySeparator));
    assertThat(
            browser
                .find(daySeparator)
                .findElement(By.xpath("following-sibling::li[1]"))
                .getDomAttribute("data-wamid"))
        .isEqualTo(longWamid(firstOfDay));
    assertThat(count("#messages li.message")).isLessThan(LONG_MESSAGES);
    assertThat(number("window.removed")).isZero();

    // keep scrolling up until the first message of the thread
    browser.await(
        Duration.ofSeconds(30),
        d -> {
          browser.script("document.getElementById('messages-scroller').scrollTop = 0");
          return count("#messages li.message") == LONG_MESSAGES;
        });
    assertThat(browser.find("#messages li.message").getDomAttribute("data-wamid"))
        .isEqualTo(longWamid(0));
    assertThat(number("window.removed")).isZero();
    final WebElement separator = browser.find("#messages li.day");
    assertThat(separator.getDomAttribute("role")).isEqualTo("separator");
    assertThat(separator.getText()).matches("\\w+day, \\w+ \\d{1,2}, \\d{4}");

    // a live message adds its bubble and nothing else
    browser.script("window.removed = 0; window.added = 0;");
    browser.script(
        "const s = document.getElementById('messages-scroller'); s.scrollTop = s.scrollHeight");
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.inboundText(LONG, "Long Thread", "wamid.long.live", "One more"));
    message("wamid.long.live");
    browser.await(d -> number("window.added") >= 1);
    assertThat(number("window.removed")).isZero();
    assertThat(number("window.added")).isBetween(1L, 2L); // the bubble, maybe a new day

    // an edit of an old message replaces that one bubble
    browser.script("window.removed = 0; window.added = 0;");
    final String edited = longWamid(10);
    deliveries.post(
        "meta/messages-edit.json",
        body -> {
          final ObjectNode value = Deliveries.value(body);
          ((ObjectNode) value.at("/contacts/0")).put("wa_id", LONG);
          final ObjectNode item = (ObjectNode) value.at("/messages/0");
          item.put("from", LONG);
          item.put("id", "wamid.long.edit");
          ((ObjectNode) item.at("/edit")).put("original_message_id", edited);
          ((ObjectNode) item.at("/edit/message")).remove("context");
          ((ObjectNode) item.at("/edit/message/text")).put("body", "Long message ten, edited");
        });
    browser.await(
        d ->
            message(edited)
                .findElement(By.cssSelector("[data-role=text]"))
                .getText()
                .equals("Long message ten, edited"));
    assertThat(number("window.removed")).isEqualTo(1);
    assertThat(number("window.added")).isEqualTo(1);

    // jump to a date: the day's separator scrolls into view
    browser.script(
        "const s = document.getElementById('messages-scroller'); s.scrollTop = s.scrollHeight");
    final String day =
        (String)
            browser.script("return document.querySelectorAll('#messages li.day')[3].dataset.day");
    browser.script(
        "const input = document.getElementById('jump-date'); input.value = arguments[0];"
            + " input.dispatchEvent(new Event('change'))",
        day);
    browser.await(
        d ->
            (Boolean)
                browser.script(
                    "const s = document.getElementById('messages-scroller').getBoundingClientRect();"
                        + " const t = document.querySelector(`#messages li.day[data-day='${arguments[0]}']`)"
                        + "   .getBoundingClientRect();"
                        + " return t.top >= s.top - 1 && t.bottom <= s.bottom + 1",
                    day));
    shot("long-thread-day-separator");
  }

  /** The calendar day of the long thread's message n where the browser is. */
  private LocalDate longDay(final int n) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(longStart + n * 3600L), ZoneId.of(TIME_ZONE));
  }

  /** Whether the element is at the top of the messages pane, whole. */
  private boolean atTheTop(final String css) {
    return (Boolean)
        browser.script(
            "const s = document.getElementById('messages-scroller').getBoundingClientRect();"
                + " const e = document.querySelector(arguments[0]);"
                + " if (!e) return false;"
                + " const t = e.getBoundingClientRect();"
                + " return t.top >= s.top - 1 && t.bottom <= s.bottom + 1 && t.top - s.top < 60",
            css);
  }

  @Test
  void onAPhoneOnePaneShowsAtATimeWithAWayBack() {
    browser.viewport(390, 844);
    open();
    assertThat(number("window.innerWidth")).isEqualTo(390);
    assertThat(shown(".numbers-pane")).isTrue();
    assertThat(shown(".lists-pane")).isFalse();
    assertNoHorizontalOverflow();
    shot("phone-numbers");

    selectNumber();
    browser.await(d -> shown(".lists-pane") && !shown(".numbers-pane"));
    assertNoHorizontalOverflow();
    shot("phone-threads");

    threadButton(PABLO).click();
    browser.await(d -> shown(".conversation-pane") && !shown(".lists-pane"));
    message("wamid.ALLTYPES.contacts");
    message(READ_ECHO).findElement(By.cssSelector(".message-details summary")).click();
    assertNoHorizontalOverflow();
    shot("phone-conversation");

    // the pane's back button, then the browser's back, then Esc
    browser.find(".conversation-pane [data-back]").click();
    browser.await(d -> shown(".lists-pane") && !shown(".conversation-pane"));
    threadButton(PABLO).click();
    browser.await(d -> shown(".conversation-pane"));
    browser.driver().navigate().back();
    browser.await(d -> shown(".lists-pane") && !shown(".conversation-pane"));
    browser.find("body").sendKeys(Keys.ESCAPE);
    browser.await(d -> shown(".numbers-pane") && !shown(".lists-pane"));
    assertNoHorizontalOverflow();
  }

  @Test
  void darkModeFollowsTheSystemSetting() {
    browser.colorScheme("dark");
    open();
    openThread(PABLO);
    final String background =
        (String) browser.script("return getComputedStyle(document.body).backgroundColor");
    final String pane =
        (String)
            browser.script(
                "return getComputedStyle(document.querySelector('.lists-pane')).backgroundColor");
    final String ink = (String) browser.script("return getComputedStyle(document.body).color");
    assertThat(luminance(background)).as(background).isLessThan(0.1);
    assertThat(luminance(pane)).as(pane).isLessThan(0.1);
    assertThat(luminance(ink)).as(ink).isGreaterThan(0.6);
    shot("dark-mode");

    browser.colorScheme("light");
    browser.await(
        d ->
            luminance(
                    (String)
                        browser.script("return getComputedStyle(document.body).backgroundColor"))
                > 0.8);
  }

  @Test
  void theKeyboardMovesBetweenThreadsAndFindsTheSearchBox() {
    selectNumber();
    final List<String> ids =
        browser.all("#threads .thread-open").stream()
            .map(button -> button.getDomAttribute("data-thread-id"))
            .toList();
    browser.find("body").sendKeys("j");
    browser.await(d -> current().equals(ids.get(0)));
    browser.find("body").sendKeys("j");
    browser.await(d -> current().equals(ids.get(1)));
    browser.find("body").sendKeys("k");
    browser.await(d -> current().equals(ids.get(0)));
    browser.awaitElement("#messages li.message");

    // "/" focuses the page's own search box, and is not typed into it
    assertThat(browser.all("#search")).hasSize(1);
    browser.script("document.activeElement.blur()");
    new Actions(browser.driver()).sendKeys("/").perform();
    browser.await(d -> "search".equals(browser.script("return document.activeElement.id")));
    assertThat(browser.find("#search").getDomProperty("value")).isEmpty();
    // Esc leaves the box, and j moves on from the thread it left
    browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
    browser.await(d -> !"search".equals(browser.script("return document.activeElement.id")));
    new Actions(browser.driver()).sendKeys("j").perform();
    browser.await(d -> current().equals(ids.get(1)));
  }

  private String current() {
    return (String)
        browser.script(
            "return document.querySelector('#threads .thread-open[aria-current=true]')"
                + "?.dataset.threadId ?? ''");
  }

  /** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour. */
  private static double luminance(final String css) {
    final String[] parts = css.replaceAll("[^0-9.,]", "").split(",");
    double sum = 0;
    final double[] weights = {0.2126, 0.7152, 0.0722};
    for (int i = 0; i < 3; i++) {
      final double channel = Double.parseDouble(parts[i]) / 255;
      sum +=
          weights[i]
              * (channel <= 0.03928 ? channel / 12.92 : Math.pow((channel + 0.055) / 1.055, 2.4));
    }
    return sum;
  }
}
