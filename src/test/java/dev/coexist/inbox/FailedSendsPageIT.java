package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The inbox's Failed sends view, the numbers' alerts and their timelines in headless Chromium
 * against the real Coexist: failed template sends (known and unknown codes) made through the Cloud
 * API, a PARTNER_REMOVED account update, an account violation and a number with more partner events
 * than a page holds, delivered through the webhook routes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedSendsPageIT {
  private static final String KEY = "test-key";
  private static final String NUMBER = Deliveries.NUMBER;
  private static final String QUIET = "107777777777777";

  /** A number with more partner events than one page of its timeline (20) shows. */
  private static final String BUSY = "108888888888888";

  private static final String BUSY_DISPLAY = "15550003333";
  private static final String BUSY_WABA = "108888888888000";
  private static final int BUSY_EVENTS = 25;
  private static final String MARKUP = "New <img src=x onerror=alert(1)> error";

  @TempDir static Path temp;
  private RunningApp app;
  private Deliveries deliveries;
  private Browser browser;
  private final long now = Instant.now().getEpochSecond();

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    app = RunningApp.start(temp.resolve("data"), Map.of(ConfigKey.API_KEY, KEY));
    deliveries = new Deliveries(app, KEY);
    deliveries.post("meta/echo-text.json");
    post(
        meta(
            QUIET,
            "15550002222",
            "109999999999999",
            "smb_message_echoes",
            """
            "message_echoes":[{"from":"15550002222","to":"16505559999","id":"wamid.quiet",
            "timestamp":"%d","type":"text","text":{"body":"All quiet"}}]"""
                .formatted(now - 600)));
    post(failed("wamid.fail.131049", Deliveries.PABLO, now - 300, 131049, "Message failed"));
    post(failed("wamid.fail.131050", Deliveries.ANA, now - 200, 131050, "Unable to deliver"));
    post(failed("wamid.fail.new", Deliveries.PABLO, now - 100, 139999, MARKUP));
    deliveries.post("meta/account-update-partner-removed.json");
    deliveries.post("360dialog/partner-event-account-violation.json");
    post(
        meta(
            BUSY,
            BUSY_DISPLAY,
            BUSY_WABA,
            "smb_message_echoes",
            """
            "message_echoes":[{"from":"%s","to":"16505558888","id":"wamid.busy",
            "timestamp":"%d","type":"text","text":{"body":"Busy"}}]"""
                .formatted(BUSY_DISPLAY, now - 600)));
    for (int n = 0; n < BUSY_EVENTS; n++) {
      deliveries.post("360dialog/partner-event-channel-created.json", busyChannel("channel" + n));
    }
    deliveries.awaitProcessed();
    browser = Browser.start(Files.createDirectories(temp.resolve("chromium")), "Europe/Lisbon");
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
  void openInbox() {
    browser.signIn(app.uri("/").toString(), KEY);
    browser.awaitElement("#numbers li.number");
  }

  @AfterEach
  void screenshot(final TestInfo test) {
    browser.screenshot("FailedSendsPageIT-" + test.getTestMethod().orElseThrow().getName());
  }

  @Test
  void failedSendsAreListedNewestFirstWithTheirErrorInWords() {
    browser.find("#show-failures").click();
    browser.await(d -> browser.all("#failures tr[data-wamid]").size() == 3);
    assertThat(browser.find("#failures-view").isDisplayed()).isTrue();
    assertThat(browser.all("#failures tr[data-wamid]"))
        .extracting(row -> row.getDomAttribute("data-wamid"))
        .containsExactly("wamid.fail.new", "wamid.fail.131050", "wamid.fail.131049");

    final String marketing = "#failures tr[data-code='131049']";
    assertThat(browser.find(marketing + " [data-role='explanation']").getText())
        .isEqualTo(
            "Meta chose not to deliver this marketing template to keep engagement healthy: the"
                + " user got many marketing messages lately. Try later or another kind of"
                + " message.");
    assertThat(browser.find(marketing + " [data-role='meta']").getText())
        .isEqualTo("Meta: Message failed — details of 131049");
    assertThat(browser.find(marketing + " [data-role='recipient']").getText())
        .isEqualTo("+" + Deliveries.PABLO);
    assertThat(browser.find(marketing + " [data-role='number']").getText()).isEqualTo(NUMBER);
    assertThat(browser.find(marketing).getText()).contains("sent through the Cloud API");
    assertThat(browser.find("#failures tr[data-code='131050'] [data-role='explanation']").getText())
        .isEqualTo("The user stopped marketing messages from this business.");
    // a code the inbox does not know shows Meta's title, as text
    assertThat(browser.find("#failures tr[data-code='139999'] [data-role='explanation']").getText())
        .isEqualTo(MARKUP);
    assertThat(browser.all("#failures-view img")).isEmpty();
    assertThat(browser.find("#failures-count").getText()).isEqualTo("3");
    assertThat(browser.console()).noneMatch(line -> line.contains("SEVERE"));
    // the README shows this view
    DocsScreenshots.copy(browser.screenshot("failed-sends"), "failed-sends");
  }

  @Test
  void aNumbersAlertsShowOnItsCardAndTheirCountInTheHeader() {
    browser.await(d -> "3".equals(browser.find("#alerts-count").getText()));
    final String card = "#numbers li.number[data-phone-number-id='" + NUMBER + "']";
    browser.await(d -> browser.all(card + " .alerts li").size() == 3);
    assertThat(browser.find(card + " [data-alert='account']").getText())
        .contains("Removed from the partner")
        .contains("PARTNER_REMOVED")
        .contains("PRIMARY_INACTIVITY")
        .contains("the Business app was not opened for about 14 days");
    assertThat(browser.find(card + " [data-alert='account_violation']").getText())
        .contains("Account violation")
        .contains("SCAM");
    assertThat(browser.find(card + " [data-alert='failed_sends']").getText())
        .contains("3 sends failed in the last 7 days");
    assertThat(browser.find(card + " [data-alert='account']").getDomAttribute("class"))
        .contains("bad");
    final String quiet = "#numbers li.number[data-phone-number-id='" + QUIET + "']";
    assertThat(browser.all(quiet + " .alerts")).isEmpty();
    // no account update received: not known to be connected
    assertThat(browser.find(quiet + " [data-role='account']").getText())
        .isEqualTo("Unknown (no account update received)");
    // the alerts stay when the numbers pane draws its cards again
    browser.find(quiet + " .number-open").click();
    browser.await(
        d ->
            "true".equals(browser.find(quiet).getDomAttribute("aria-current"))
                && browser.all(card + " .alerts li").size() == 3);
  }

  @Test
  void aNumbersTimelineShowsItsAccountAndPartnerEventsNewestFirst() {
    final String card = "#numbers li.number[data-phone-number-id='" + NUMBER + "']";
    browser.await(d -> browser.all(card + " .alerts li").size() == 3);
    browser.find(card + " [data-role=timeline] > summary").click();
    browser.await(d -> browser.all(card + " .timeline-event").size() == 2);
    final List<WebElement> events = browser.all(card + " .timeline-event");
    assertThat(events)
        .extracting(event -> event.getDomAttribute("data-event"))
        .containsExactly("account_violation", "PARTNER_REMOVED");
    assertThat(events)
        .extracting(event -> event.getDomAttribute("data-journal-id"))
        .containsExactlyElementsOf(journalIds(NUMBER));

    final WebElement violation = events.get(0);
    assertThat(violation.getText()).contains("360dialog partner event");
    assertThat(violation.findElement(By.cssSelector("[data-role=details]")).getText())
        .isEqualTo("violation: SCAM");
    final WebElement removed = events.get(1);
    assertThat(removed.getText()).contains("Account update");
    assertThat(removed.findElement(By.cssSelector("[data-role=details]")).getText())
        .isEqualTo(
            "PRIMARY_INACTIVITY — the Business app was not opened for about 14 days · by SYSTEM");
    // each at the time it was received, in the format (and zone) of every other time on the page:
    // the alerts on the same card show the same two events
    assertThat(time(removed)).isEqualTo(time(browser.find(card + " [data-alert='account']")));
    assertThat(time(violation))
        .isEqualTo(time(browser.find(card + " [data-alert='account_violation']")));
    assertThat(violation.findElement(By.cssSelector("time")).getText()).matches(".+, \\d{4}, .+");
    assertThat(browser.find(card + " [data-role=timeline] .more").isDisplayed()).isFalse();

    // the numbers pane draws its cards again: the timeline stays open with what it shows
    final WebElement timeline = browser.find(card + " [data-role=timeline]");
    final String quiet = "#numbers li.number[data-phone-number-id='" + QUIET + "']";
    browser.find(quiet + " .number-open").click();
    browser.await(d -> "true".equals(browser.find(quiet).getDomAttribute("aria-current")));
    assertThat(browser.find(card + " [data-role=timeline]")).isEqualTo(timeline);
    assertThat(timeline.getDomProperty("open")).isEqualTo("true");
    assertThat(browser.all(card + " .timeline-event")).hasSize(2);
    browser.find(card + " .number-open").click();
    browser.await(d -> "true".equals(browser.find(card).getDomAttribute("aria-current")));
    browser.script("arguments[0].scrollIntoView({block: 'end'})", timeline);
    DocsScreenshots.copy(browser.screenshot("timeline"), "timeline");
  }

  @Test
  void aLongTimelinePagesWithMoreAndTakesANewEventOnTop() {
    final String card = "#numbers li.number[data-phone-number-id='" + BUSY + "']";
    browser.awaitElement(card + " [data-role=timeline] > summary").click();
    browser.await(d -> browser.all(card + " .timeline-event").size() == 20);
    final WebElement more = browser.find(card + " [data-role=timeline] .more");
    assertThat(more.isDisplayed()).isTrue();
    more.click();
    browser.await(d -> browser.all(card + " .timeline-event").size() == BUSY_EVENTS);
    assertThat(more.isDisplayed()).isFalse();
    assertThat(browser.all(card + " .timeline-event"))
        .extracting(event -> event.getDomAttribute("data-journal-id"))
        .containsExactlyElementsOf(journalIds(BUSY));
    assertThat(browser.find(card + " .timeline-event [data-role=details]").getText())
        .isEqualTo("channel: pending");

    // a new partner event while the timeline is open: on top, and the pages read stay
    browser.await(d -> "live".equals(browser.find("body").getDomAttribute("data-feed")));
    final String summary = card + " [data-role=timeline] > summary";
    browser.script(
        "document.querySelector(arguments[0]).dataset.drawnBefore = 'yes';"
            + " document.querySelector(arguments[1]).focus()",
        card,
        summary);
    deliveries.post("360dialog/partner-event-channel-created.json", busyChannel("channel-new"));
    browser.await(
        Duration.ofSeconds(5),
        d -> browser.all(card + " .timeline-event").size() == BUSY_EVENTS + 1);
    assertThat(browser.all(card + " .timeline-event"))
        .extracting(event -> event.getDomAttribute("data-journal-id"))
        .containsExactlyElementsOf(journalIds(BUSY));
    // the feed made the pane draw its cards again: the timeline kept the keyboard focus
    browser.await(d -> browser.all(card + "[data-drawn-before]").isEmpty());
    assertThat(
            browser.script(
                "return document.activeElement === document.querySelector(arguments[0])", summary))
        .isEqualTo(true);

    // a number without any: said in words
    final String quiet = "#numbers li.number[data-phone-number-id='" + QUIET + "']";
    browser.find(quiet + " [data-role=timeline] > summary").click();
    browser.await(
        d ->
            browser
                .find(quiet + " [data-role=timeline-state]")
                .getText()
                .equals("No account update or partner event received."));
    assertThat(browser.all(quiet + " .timeline-event")).isEmpty();
  }

  /** The journal ids of a number's timeline as the API lists it, newest first. */
  private List<String> journalIds(final String number) {
    return StreamSupport.stream(
            deliveries
                .api("/api/v1/numbers/" + number + "/events?limit=500")
                .get("events")
                .spliterator(),
            false)
        .map(event -> event.get("journal_id").asText())
        .toList();
  }

  /** The instant and the text of an element's time. */
  private static List<String> time(final WebElement element) {
    final WebElement time = element.findElement(By.cssSelector("time"));
    return List.of(time.getDomAttribute("datetime"), time.getText());
  }

  /** partner-event-channel-created.json about the busy number, as a new event. */
  private static Consumer<ObjectNode> busyChannel(final String channelId) {
    return body -> {
      body.put("id", UUID.randomUUID().toString());
      final ObjectNode channel = (ObjectNode) body.at("/data/channel");
      channel.put("id", channelId);
      ((ObjectNode) channel.get("waba_account")).put("id", BUSY_WABA).put("external_id", BUSY_WABA);
      ((ObjectNode) channel.get("setup_info")).put("phone_number", BUSY_DISPLAY);
    };
  }

  private void post(final String body) throws Exception {
    final var answer = app.post("/webhooks/whatsapp", body.getBytes(StandardCharsets.UTF_8));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
  }

  private static String meta(
      final String number,
      final String display,
      final String waba,
      final String field,
      final String fields) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[
        {"field":"%s","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"%s","phone_number_id":"%s"},%s}}]}]}"""
        .formatted(waba, field, display, number, fields);
  }

  private static String failed(
      final String wamid, final String to, final long at, final int code, final String title) {
    return meta(
        NUMBER,
        Deliveries.DISPLAY,
        "102290129340398",
        "messages",
        """
        "statuses":[{"id":"%s","status":"failed","timestamp":"%d","recipient_id":"%s",
        "errors":[{"code":%d,"title":"%s","message":"%s",
        "error_data":{"details":"details of %d"}}]}]"""
            .formatted(wamid, at, to, code, title, title, code));
  }
}
