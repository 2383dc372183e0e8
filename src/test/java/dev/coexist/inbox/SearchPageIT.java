package dev.coexist.inbox;

import static dev.coexist.inbox.Deliveries.NUMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The inbox's search box in headless Chromium against the real Coexist: `/` focuses it, the text
 * filters the threads by customer and lists the messages with its words, and a message found opens
 * its conversation at it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchPageIT {
  private static final String KEY = "test-key";
  private static final String LENA = "5491155551234";
  private static final String LENA_WAMID = "wamid.search.page.lena";
  private static final String AMIR = "971501234567";
  private static final String HI_PABLO =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJOMDFOMk8zUDRRNVI2UzcwAA==";

  @TempDir static Path temp;
  private RunningApp app;
  private Deliveries deliveries;
  private Browser browser;
  private int allThreads;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    app = RunningApp.start(temp.resolve("data"), Map.of(ConfigKey.API_KEY, KEY));
    deliveries = new Deliveries(app, KEY);
    deliveries.post("360dialog/history-phase1-chunk3.json");
    deliveries.post("360dialog/state-sync-add.json");
    deliveries.post("meta/echo-text.json");
    deliveries.post("meta/messages-text.json");
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.inboundText(LENA, "Лена", LENA_WAMID, "Привет, где мой заказ?"));
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.inboundText(AMIR, "أمير", "wamid.search.page.amir", "مرحبا، أين طلبي؟"));
    deliveries.awaitProcessed();
    allThreads =
        deliveries.api("/api/v1/numbers/" + NUMBER + "/threads?limit=100").get("threads").size();
    browser = Browser.start(Files.createDirectories(temp.resolve("chromium")), "UTC");
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
    browser.signIn(app.uri("/").toString(), KEY);
    browser.awaitElement("#numbers li.number[data-phone-number-id='" + NUMBER + "']");
    browser.await(d -> browser.all("#threads li").size() == allThreads);
  }

  @AfterEach
  void screenshot(final TestInfo test) {
    browser.screenshot("SearchPageIT-" + test.getTestMethod().orElseThrow().getName());
  }

  private void slash() {
    new Actions(browser.driver()).sendKeys(browser.find("body"), "/").perform();
  }

  private WebElement searchBox() {
    return browser.find("#search");
  }

  private int threadsShown() {
    return browser.all("#threads li").size();
  }

  @Test
  void slashFocusesTheBoxAndAPhoneInAnyFormattingFiltersTheThreads() {
    slash();
    browser.await(d -> searchBox().equals(d.switchTo().activeElement()));

    searchBox().sendKeys("+54 9 11 5555-1234");
    browser.await(d -> threadsShown() == 1);
    assertThat(browser.find("#threads li .thread-name").getText()).isEqualTo("Лена");

    // Escape gives every thread back
    searchBox().sendKeys(Keys.ESCAPE);
    browser.await(d -> threadsShown() == allThreads);
    assertThat(searchBox().getDomProperty("value")).isEmpty();
    assertThat(browser.find("#search-results").isDisplayed()).isFalse();
  }

  @Test
  void wordsInAnyScriptListTheMessagesAndAHitOpensItsConversationAtIt() {
    slash();
    searchBox().sendKeys("зака");
    browser.await(d -> browser.all("#message-hits li").size() == 1);
    assertThat(browser.find("#message-hits li .hit-text").getText())
        .isEqualTo("Привет, где мой заказ?");
    // no customer is called so: the thread list is empty, the message is listed
    browser.await(d -> threadsShown() == 0);

    browser.find("#message-hits li .hit-open").click();
    final WebElement found =
        browser.awaitElement("#messages li.message.found[data-wamid='" + LENA_WAMID + "']");
    assertThat(found.getText()).contains("Привет, где мой заказ?");
    assertThat(browser.find("#conversation-title").getText()).isEqualTo("Лена");

    searchBox().clear();
    searchBox().sendKeys("طلب");
    browser.await(
        d ->
            browser.all("#message-hits li").size() == 1
                && browser.find("#message-hits li .hit-text").getText().equals("مرحبا، أين طلبي؟"));
    // the Arabic name and words read right to left, like the rest of the customers' text
    final WebElement name = browser.find("#message-hits li .thread-name");
    final WebElement words = browser.find("#message-hits li .hit-text [data-role=hit-text]");
    assertThat(name.getText()).isEqualTo("أمير");
    for (final WebElement text : List.of(name, words)) {
      assertThat(text.getDomAttribute("dir")).isEqualTo("auto");
      assertThat(browser.script("return getComputedStyle(arguments[0]).direction", text))
          .isEqualTo("rtl");
    }
  }

  @Test
  void aNameFindsItsThreadAndItsMessages() {
    slash();
    searchBox().sendKeys("pablo");
    browser.await(
        d ->
            threadsShown() == 1
                && browser.all("#message-hits li[data-wamid='" + HI_PABLO + "']").size() == 1);
    assertThat(browser.find("#threads li .thread-name").getText()).contains("Pablo");
    browser
        .find("#message-hits li[data-wamid='" + HI_PABLO + "']")
        .findElement(By.cssSelector(".hit-open"))
        .click();
    browser.awaitElement("#messages li.message.found[data-wamid='" + HI_PABLO + "']");
    assertThat(browser.find(".thread-open[aria-current='true']").getDomAttribute("data-thread-id"))
        .isEqualTo(deliveries.api("/api/v1/search?q=" + HI_PABLO).at("/hits/0/thread/id").asText());

    DocsScreenshots.copy(browser.screenshot("search"), "search");
  }
}
