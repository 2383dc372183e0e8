package dev.coexist.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox's Failed sends view and the numbers' alerts in headless Chromium against the real
 * Coexist: failed template sends (known and unknown codes) made through the Cloud API, a
 * PARTNER_REMOVED account update and an account violation, delivered through the webhook routes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedSendsPageIT {
  private static final String KEY = "test-key";
  private static final String NUMBER = Deliveries.NUMBER;
  private static final String QUIET = "107777777777777";
  private static final String MARKUP = "New <img src=x onerror=alert(1)> error";

  @TempDir static Path temp;
  private RunningApp app;
  private Browser browser;
  private final long now = Instant.now().getEpochSecond();

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    app = RunningApp.start(temp.resolve("data"), Map.of(ConfigKey.API_KEY, KEY));
    final Deliveries deliveries = new Deliveries(app, KEY);
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
