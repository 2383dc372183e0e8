package dev.coexist.inbox;

import static dev.coexist.inbox.Deliveries.ANA;
import static dev.coexist.inbox.Deliveries.NUMBER;
import static dev.coexist.inbox.Deliveries.PABLO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The web inbox in headless Chromium against the real Coexist: every piece of data comes in through
 * the webhook endpoints, is applied by the processor and read through the API by the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxIT {
  private static final String KEY = "test-key";
  private static final String TIME_ZONE = "America/Sao_Paulo";

  /** A second business number whose history was declined and whose partner was removed. */
  private static final String DECLINED = "106540352249999";

  /** A third number with more customers than one page of threads. */
  private static final String BUSY = "106540352246666";

  private static final int BUSY_CUSTOMERS = 45;

  /** A fifth number, whose customer writes markup. */
  private static final String INJECTED = "106540352245555";

  /** A fourth number whose history import the tests run step by step. */
  private static final String IMPORTING = "106540352247777";

  /** A sixth number whose history import was declined after two chunks had arrived. */
  private static final String PARTIAL = "106540352244444";

  // wamids of the fixtures
  private static final String ORDER_SHIPPED =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJBMDFBMkIzQzRENUU2RjcwAA==";
  private static final String PLACEHOLDER =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJCMDFCMkMzRDRFNUY2QTcwAA==";
  private static final String ECHO = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJOMDFOMk8zUDRRNVI2UzcwAA==";
  private static final String REPLY = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJQMDFQMlEzUjRTNVQ2VTcwAA==";
  private static final String REVOKED_IMAGE =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJRMDFRMlIzUzRUNVU2VjcwAA==";
  private static final String FOLLOWUP_IMAGE =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBJGMDFGMkEzQjRDNUQ2RTcwAA==";
  private static final String READ_ECHO =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJYMDFYMlkzWjRBNUI2QzcwAA==";
  private static final String FAILED_ECHO =
      "wamid.HBgLMTY1MDU1NTU2NzgVAgARGBJZMDFZMlozQTRCNUM2RDcwAA==";

  @TempDir static Path temp;
  private RunningApp app;
  private Deliveries deliveries;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    app = RunningApp.start(temp.resolve("data"), Map.of(ConfigKey.API_KEY, KEY));
    deliveries = new Deliveries(app, KEY);
    loadFixtures();
    deliveries.awaitProcessed();
    browser = Browser.start(Files.createDirectories(temp.resolve("chromium")), TIME_ZONE);
  }

  private void loadFixtures() {
    // the business number of the fixtures: history, contacts, echoes, live messages, statuses
    deliveries.post("meta/history-phase0-chunk1.json");
    deliveries.post("360dialog/history-phase1-chunk3.json");
    deliveries.post("360dialog/state-sync-add.json");
    deliveries.post("360dialog/state-sync-remove.json");
    deliveries.post("360dialog/state-sync-bsuid.json");
    deliveries.post("meta/echo-text.json");
    deliveries.post("meta/messages-text.json");
    deliveries.post("meta/messages-edit.json");
    deliveries.post("meta/messages-reaction.json", Deliveries.firstOnly("/messages"));
    deliveries.post("meta/messages-image.json");
    deliveries.post("meta/messages-revoke.json");
    deliveries.post("360dialog/history-media-followup.json");
    // the messages whose statuses meta/statuses-*.json report, typed in the Business app
    deliveries.post(
        "meta/echo-text.json",
        Deliveries.echo(PABLO, READ_ECHO, "Your invoice is attached", 1_740_002_990));
    deliveries.post("meta/statuses-sent-delivered-read.json");
    deliveries.post(
        "meta/echo-text.json",
        Deliveries.echo(ANA, FAILED_ECHO, "Spring sale: 20% off", 1_750_263_700));
    deliveries.post("meta/statuses-failed.json");
    // a second number: history declined, partner removed
    deliveries.post(
        "360dialog/history-declined.json", Deliveries.forNumber(DECLINED, "15550009999"));
    deliveries.post(
        "meta/account-update-partner-removed.json",
        body -> Deliveries.value(body).put("phone_number", "15550009999"));
    // a sixth number: a chunk of phase 0, one of phase 1, then the business turned sharing off
    final var toPartial = Deliveries.forNumber(PARTIAL, "15550004444");
    deliveries.post("meta/history-phase0-chunk1.json", toPartial);
    deliveries.post("360dialog/history-phase1-chunk3.json", toPartial);
    deliveries.post("360dialog/history-declined.json", toPartial);
    // a third number with many customers
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.forNumber(BUSY, "15550006666")
            .andThen(Deliveries.manyCustomers(BUSY_CUSTOMERS, "Customer")));
    // a delivery the processor cannot apply: Meta's envelope of another product
    deliveries.post("bad/foreign-object.json");
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
    browser.awaitElement("#numbers li.number");
  }

  @AfterEach
  void screenshot(final TestInfo test) {
    browser.screenshot("InboxIT-" + test.getTestMethod().orElseThrow().getName());
  }

  private WebElement numberCard(final String phoneNumberId) {
    return browser.awaitElement("li.number[data-phone-number-id='" + phoneNumberId + "']");
  }

  private void selectNumber(final String phoneNumberId) {
    numberCard(phoneNumberId).findElement(By.cssSelector(".number-open")).click();
    browser.await(
        d ->
            numberCard(phoneNumberId).getDomAttribute("aria-current").equals("true")
                && !d.findElements(By.cssSelector("#threads li")).isEmpty());
  }

  private JsonNode threadOf(final String phoneNumberId, final String customerPhone) {
    return StreamSupport.stream(
            deliveries
                .api("/api/v1/numbers/" + phoneNumberId + "/threads?limit=500")
                .get("threads")
                .spliterator(),
            false)
        .filter(thread -> customerPhone.equals(Deliveries.text(thread.at("/customer/phone"))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no thread with " + customerPhone));
  }

  private void openThread(final String phoneNumberId, final String customerPhone) {
    selectNumber(phoneNumberId);
    final long id = threadOf(phoneNumberId, customerPhone).get("id").asLong();
    browser.awaitElement(".thread-open[data-thread-id='" + id + "']").click();
    browser.awaitElement("#messages li.message");
  }

  private WebElement message(final String wamid) {
    return browser.awaitElement("#messages li.message[data-wamid='" + wamid + "']");
  }

  private static String text(final WebElement element) {
    // Chromium's en-US times put a narrow no-break space before AM/PM
    return element.getText().replace('\u202f', ' ').replace('\u00a0', ' ');
  }

  @Test
  void showsNothingWithoutAKeyAndKeepsTheKeyForThisTabOnly() {
    assertThat(browser.script("return sessionStorage.getItem('coexist.apiKey')")).isEqualTo(KEY);
    assertThat(browser.script("return localStorage.length")).isEqualTo(0L);

    browser.find("#forget-key").click();
    browser.await(d -> browser.find("#key-view").isDisplayed());
    assertThat(browser.find("#inbox").isDisplayed()).isFalse();
    assertThat(browser.all("#numbers li")).isEmpty();

    browser.find("#api-key").sendKeys("wrong-key", Keys.ENTER);
    browser.await(d -> !browser.find("#key-error").getText().isBlank());
    assertThat(browser.find("#key-error").getText()).contains("not valid");
    assertThat(browser.find("#inbox").isDisplayed()).isFalse();
    assertThat(browser.all("#numbers li")).isEmpty();
    assertThat(browser.script("return sessionStorage.getItem('coexist.apiKey')")).isNull();
  }

  @Test
  void showsEachNumberWithAccountStateHistoryPhasesAndContacts() {
    final JsonNode number = deliveries.api("/api/v1/numbers/" + NUMBER);
    final WebElement card = numberCard(NUMBER);
    assertThat(card.findElement(By.cssSelector(".number-open")).getText())
        .isEqualTo("+15550001111");
    assertThat(card.findElement(By.cssSelector("[data-role=waba]")).getText())
        .isEqualTo("102290129340398");
    assertThat(number.at("/history/state").asText()).isEqualTo("in_progress");
    assertThat(card.findElement(By.cssSelector("[data-sync-state]")).getText())
        .isEqualTo("History importing");
    // phase 1 chunk 3 came after the phase 0 chunk: phase 0 is done, phase 1 has no known total
    assertThat(phaseValues(card)).containsExactly("100", "indeterminate", "0");
    assertThat(card.findElement(By.cssSelector(".phase[data-phase='1']")).getText())
        .contains("up to 90 days")
        .contains("1 chunk")
        .contains("5 messages");
    assertThat(card.findElement(By.cssSelector("[data-role=contacts]")).getText())
        .isEqualTo(
            number.at("/contacts/count").asInt()
                + " ("
                + number.at("/contacts/removed").asInt()
                + " removed)");
    assertThat(number.at("/contacts/removed").asInt()).isEqualTo(1);
    assertThat(number.at("/contacts/count").asInt()).isGreaterThanOrEqualTo(3);

    final WebElement declined = numberCard(DECLINED);
    assertThat(declined.findElement(By.cssSelector("[data-sync-state]")).getText())
        .isEqualTo("History declined");
    assertThat(declined.findElement(By.cssSelector("[data-role=decline]")).getText())
        .contains("History sharing is turned off by the business")
        .contains("2593109");
    assertThat(declined.findElements(By.cssSelector("progress"))).isEmpty();
    assertThat(declined.findElement(By.cssSelector("[data-role=account]")).getText())
        .contains("PARTNER_REMOVED")
        .contains("PRIMARY_INACTIVITY");
  }

  @Test
  void aDeclineAfterSomeChunksSaysWhatArrivedIsKeptAndWhichPhaseIsPartial() {
    final JsonNode history = deliveries.api("/api/v1/numbers/" + PARTIAL).get("history");
    assertThat(history.get("state").asText()).isEqualTo("declined");
    assertThat(history.get("chunks").asInt()).isEqualTo(2);
    final int messages = history.get("messages").asInt();
    assertThat(messages).isPositive();

    final WebElement sync = numberCard(PARTIAL).findElement(By.cssSelector(".sync"));
    // the overall figure of the last chunk stays next to "declined": the words below explain both
    assertThat(sync.findElement(By.cssSelector(".sync-head")).getText())
        .contains("History declined")
        .contains(history.get("progress").asInt() + "%");
    assertThat(sync.findElement(By.cssSelector("[data-role=decline]")).getText())
        .isEqualTo(
            "Declined after "
                + messages
                + " messages had arrived: History sync is turned off by the business from the"
                + " WhatsApp Business App — History sharing is turned off by the business (error"
                + " 2593109). What arrived is kept; nothing more will come.");
    assertThat(sync.findElements(By.cssSelector("[data-role=history-summary]"))).isEmpty();
    // phase 0 ended when phase 1 began; phase 1 was cut short; phase 2 never came
    assertThat(phaseValues(sync)).containsExactly("100", "100", "0");
    final List<WebElement> phases = sync.findElements(By.cssSelector(".phase"));
    assertThat(phases)
        .extracting(phase -> phase.getDomAttribute("class"))
        .containsExactly("phase", "phase partial", "phase");
    assertThat(phases)
        .extracting(phase -> phase.findElement(By.cssSelector(".phase-detail")).getText())
        .containsExactly(
            "last day: done · 1 chunk, " + phaseMessages(history, 0),
            "up to 90 days: partial: 1 chunk arrived before the decline · 1 chunk, "
                + phaseMessages(history, 1),
            "up to 180 days: not imported: declined · 0 chunks, 0 messages");
  }

  /** "5 messages": how many messages a phase of the import brought, as the API counts them. */
  private static String phaseMessages(final JsonNode history, final int phase) {
    final int count =
        StreamSupport.stream(history.get("phases").spliterator(), false)
            .filter(candidate -> candidate.get("phase").asInt() == phase)
            .findFirst()
            .orElseThrow()
            .get("messages")
            .asInt();
    assertThat(count).as("phase %d's messages", phase).isPositive();
    return count + (count == 1 ? " message" : " messages");
  }

  /** Each phase bar's value, "indeterminate" when the phase's total is not known. */
  private static List<String> phaseValues(final WebElement card) {
    return card.findElements(By.cssSelector(".phase progress")).stream()
        .map(bar -> bar.getDomAttribute("data-value"))
        .toList();
  }

  @Test
  void listsThreadsNewestFirstAndLoadsMoreAsTheListScrolls() {
    selectNumber(NUMBER);
    final JsonNode threads =
        deliveries.api("/api/v1/numbers/" + NUMBER + "/threads?limit=500").get("threads");
    final List<WebElement> rows = browser.all("#threads .thread-open");
    assertThat(rows).hasSize(threads.size());
    for (int i = 0; i < threads.size(); i++) {
      assertThat(rows.get(i).getDomAttribute("data-thread-id"))
          .isEqualTo(threads.get(i).get("id").asText());
    }
    final WebElement pablo =
        browser.find(".thread-open[data-thread-id='" + threadOf(NUMBER, PABLO).get("id") + "']");
    assertThat(pablo.findElement(By.cssSelector(".thread-name")).getText())
        .isEqualTo("Pablo Morales");
    assertThat(pablo.findElement(By.cssSelector(".thread-preview")).getText()).isNotBlank();
    assertThat(pablo.findElement(By.cssSelector("time")).getDomAttribute("datetime")).isNotBlank();

    selectNumber(BUSY);
    browser.await(d -> d.findElements(By.cssSelector("#threads li")).size() >= 20);
    final int firstPage = browser.all("#threads li").size();
    assertThat(firstPage).isLessThan(BUSY_CUSTOMERS);
    browser.script(
        "document.querySelector('#threads-more').scrollIntoView({block: 'end'});"
            + " document.querySelector('.lists-pane').scrollTop = 1e6");
    browser.await(d -> d.findElements(By.cssSelector("#threads li")).size() == BUSY_CUSTOMERS);
    assertThat(browser.find("#threads li:first-child .thread-name").getText())
        .isEqualTo("Customer " + BUSY_CUSTOMERS);
    assertThat(browser.find("#threads li:last-child .thread-name").getText())
        .isEqualTo("Customer 1");
    assertThat(browser.find("#threads-more").isDisplayed()).isFalse();
  }

  @Test
  void showsTheConversationWithOriginsStatusesEditsRepliesReactionsAndMedia() {
    openThread(NUMBER, PABLO);

    final WebElement shipped = message(ORDER_SHIPPED);
    assertThat(shipped.getDomAttribute("class")).contains("outbound");
    assertThat(shipped.findElement(By.cssSelector("[data-origin]")).getText())
        .isEqualToIgnoringCase("History import");
    assertThat(shipped.findElement(By.cssSelector(".ticks")).getDomAttribute("data-status"))
        .isEqualTo("read");
    assertThat(shipped.findElement(By.cssSelector("[data-role=text]")).getText())
        .isEqualTo("Your order shipped");

    final WebElement echo = message(ECHO);
    assertThat(echo.findElement(By.cssSelector("[data-origin]")).getDomAttribute("data-origin"))
        .isEqualTo("echo");
    assertThat(echo.findElement(By.cssSelector("[data-origin]")).getText())
        .isEqualToIgnoringCase("Business app");
    assertThat(echo.findElements(By.cssSelector(".reactions li")))
        .extracting(WebElement::getText)
        .containsExactly("\uD83D\uDC4D");

    final WebElement reply = message(REPLY);
    assertThat(reply.getDomAttribute("class")).contains("inbound");
    assertThat(reply.findElement(By.cssSelector("[data-origin]")).getDomAttribute("data-origin"))
        .isEqualTo("live");
    assertThat(reply.findElement(By.cssSelector("[data-role=text]")).getText())
        .isEqualTo("Great, thank you so much!");
    assertThat(reply.findElement(By.cssSelector("[data-role=edited]")).getDomAttribute("title"))
        .contains("Great, thank you!");
    assertThat(reply.findElement(By.cssSelector("[data-role=quote]")).getText())
        .contains("Hi Pablo! Your replacement box leaves today.");

    assertThat(message(REVOKED_IMAGE).findElement(By.cssSelector("[data-role=revoked]")).getText())
        .isEqualTo("This message was deleted");

    final WebElement image = message(FOLLOWUP_IMAGE);
    assertThat(image.findElement(By.cssSelector("[data-role=media]")).getText())
        .contains("image")
        .contains("image/jpeg")
        .contains("The damaged box")
        .contains("2423847561234987");
    // the placeholder of the history import, completed by the media follow-up
    final WebElement video = message(PLACEHOLDER);
    assertThat(video.findElements(By.cssSelector("[data-origin]")))
        .extracting(badge -> badge.getDomAttribute("data-origin"))
        .contains("history", "media_followup");
    assertThat(video.findElement(By.cssSelector("[data-role=media]")).getText())
        .contains("video/mp4")
        .contains("1129384756102938");

    assertThat(
            message(READ_ECHO).findElement(By.cssSelector(".ticks")).getDomAttribute("data-status"))
        .isEqualTo("read");

    // times in the viewer's zone
    assertThat(browser.script("return Intl.DateTimeFormat().resolvedOptions().timeZone"))
        .isEqualTo(TIME_ZONE);
    final WebElement sent = shipped.findElement(By.cssSelector(".message-meta time"));
    assertThat(sent.getDomAttribute("datetime")).isEqualTo("2025-02-10T23:42:35.000Z");
    assertThat(text(sent))
        .isEqualTo(
            DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm a 'GMT-3'", Locale.US)
                .withZone(ZoneId.of(TIME_ZONE))
                .format(Instant.ofEpochSecond(1_739_230_955)));

    browser.script("document.getElementById('messages-scroller').scrollTop = 0");
    DocsScreenshots.copyTo(browser.screenshot("inbox-conversation"), Path.of("docs", "inbox.png"));
  }

  @Test
  void showsAFailedDeliveryStatusWithItsError() {
    openThread(NUMBER, ANA);
    final WebElement failed = message(FAILED_ECHO);
    assertThat(failed.findElement(By.cssSelector(".ticks")).getDomAttribute("data-status"))
        .isEqualTo("failed");
    assertThat(failed.findElement(By.cssSelector("[data-role=errors]")).getText())
        .startsWith("Failed: 131050")
        .contains("stop receiving marketing messages");
  }

  @Test
  void aMessagePostedToTheWebhookAppearsInTheOpenConversationWithinTwoSeconds() {
    openThread(NUMBER, PABLO);
    browser.await(d -> "live".equals(browser.find("body").getDomAttribute("data-feed")));
    final String wamid = "wamid.live." + System.nanoTime();

    final long posted = System.nanoTime();
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.inboundText(PABLO, "Pablo Morales", wamid, "Is it on its way?"));
    final WebElement arrived = browser.await(Duration.ofSeconds(2), d -> message(wamid));
    final Duration took = Duration.ofNanos(System.nanoTime() - posted);

    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertThat(arrived.findElement(By.cssSelector("[data-role=text]")).getText())
        .isEqualTo("Is it on its way?");
    assertThat(arrived.getDomAttribute("class")).contains("inbound");
    // the thread list followed as well: Pablo's thread shows the new preview
    browser.await(
        Duration.ofSeconds(2),
        d ->
            browser
                .script(
                    "return [...document.querySelectorAll('#threads .thread-preview')]"
                        + ".map(preview => preview.textContent).join('|')")
                .toString()
                .contains("Is it on its way?"));
  }

  @Test
  void theProgressBarsMoveWhileAHistoryImportRuns() {
    browser.await(d -> "live".equals(browser.find("body").getDomAttribute("data-feed")));
    final var toImporting = Deliveries.forNumber(IMPORTING, "15550007777");

    deliveries.post("meta/history-phase0-chunk1.json", toImporting);
    browser.await(
        Duration.ofSeconds(3),
        d -> phaseValues(numberCard(IMPORTING)).equals(List.of("indeterminate", "0", "0")));

    deliveries.post("360dialog/history-phase1-chunk3.json", toImporting);
    browser.await(
        Duration.ofSeconds(3),
        d -> phaseValues(numberCard(IMPORTING)).equals(List.of("100", "indeterminate", "0")));

    deliveries.post("360dialog/history-progress-only.json", toImporting);
    browser.await(
        Duration.ofSeconds(3),
        d -> phaseValues(numberCard(IMPORTING)).equals(List.of("100", "100", "100")));
    assertThat(numberCard(IMPORTING).findElement(By.cssSelector("[data-sync-state]")).getText())
        .isEqualTo("History complete");
    assertThat(
            numberCard(IMPORTING)
                .findElement(By.cssSelector("[data-role=history-summary]"))
                .getText())
        .isEqualTo("Complete: 7 messages in 3 chunks. Nothing more will come.");
  }

  @Test
  void payloadTextIsShownVerbatimAndRunsNothing() {
    final String customer = "16505559999";
    final String name = "<script>document.title='pwned'</script>";
    final String attack = "<img src=x onerror=alert(1)>";
    final String second = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b>";
    final var toInjected = Deliveries.forNumber(INJECTED, "15550005555");
    deliveries.post(
        "meta/messages-text.json",
        toInjected.andThen(
            Deliveries.inboundText(customer, name, "wamid.xss.1." + System.nanoTime(), attack)));
    deliveries.post(
        "meta/messages-text.json",
        toInjected.andThen(
            Deliveries.inboundText(customer, name, "wamid.xss.2." + System.nanoTime(), second)));
    deliveries.awaitProcessed();
    browser.open(app.uri("/").toString());
    browser.awaitElement("#numbers li.number");

    openThread(INJECTED, customer);
    browser.await(d -> browser.all("#messages [data-role=text]").size() >= 2);

    assertThat(browser.all("#messages [data-role=text]"))
        .extracting(WebElement::getText)
        .contains(attack, second);
    assertThat(browser.find("#conversation-title").getText()).isEqualTo(name);
    assertThat(browser.all(".thread-name")).extracting(WebElement::getText).contains(name);
    assertThat(browser.all("#messages img, #messages b, #threads img, main script")).isEmpty();
    assertThat(browser.driver().getTitle()).isEqualTo("Coexist inbox");
    try {
      browser.driver().switchTo().alert();
      throw new AssertionError("an alert opened: a payload ran");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
    assertThat(browser.console())
        .noneMatch(line -> line.contains("Content Security Policy"))
        .noneMatch(line -> line.contains("SEVERE") && line.contains("/inbox/"));
  }

  @Test
  void listsTheContactsOfANumberWithRemovedOnesMarked() {
    selectNumber(NUMBER);
    browser.find("#show-contacts").click();
    browser.awaitElement("#contacts li");
    final List<WebElement> contacts = browser.all("#contacts li");
    assertThat(contacts)
        .extracting(contact -> contact.findElement(By.cssSelector(".contact-name")).getText())
        .contains("Pablo Morales", "Ana Lima (VIP)", "Maria Becker");
    final WebElement removed = browser.find("#contacts li[data-phone='447700900123']");
    assertThat(removed.getDomAttribute("data-removed")).isEqualTo("true");
    assertThat(removed.getText()).contains("Removed");
    assertThat(browser.find("#contacts li[data-user-id='US.8810473629105523']").getText())
        .contains("@maria.b");
  }

  @Test
  void replaysAFailedDeliveryFromTheFailedList() {
    browser.find("#show-failed").click();
    final WebElement row = browser.awaitElement("#failed tr[data-journal-id]");
    final String id = row.getDomAttribute("data-journal-id");
    final JsonNode entry = deliveries.api("/api/v1/journal?state=failed").get("entries").get(0);
    assertThat(entry.get("id").asText()).isEqualTo(id);
    assertThat(row.findElement(By.cssSelector("[data-role=error]")).getText())
        .isEqualTo(entry.get("error").asText())
        .isNotBlank();
    final int attempts = entry.get("attempts").asInt();

    row.findElement(By.cssSelector("button[data-replay]")).click();
    browser.await(d -> row.getText().contains("Queued for replay"));

    // the foreign envelope fails again, one attempt later
    browser.await(
        Duration.ofSeconds(10),
        d -> {
          final JsonNode again = deliveries.api("/api/v1/journal?state=failed").get("entries");
          return again.size() == 1 && again.get(0).get("attempts").asInt() > attempts;
        });
    browser.find("#show-conversations").click();
    browser.find("#show-failed").click();
    browser.await(
        d ->
            browser.all("#failed tr[data-journal-id='" + id + "'] td").size() > 4
                && browser
                    .find("#failed tr[data-journal-id='" + id + "'] td:nth-child(5)")
                    .getText()
                    .equals(Integer.toString(attempts + 1)));
  }

  @Test
  void everyControlHasANameAndTheKeyboardOpensAThread() {
    selectNumber(NUMBER);
    final Object unnamed =
        browser.script(
            "return [...document.querySelectorAll('button, input, progress')]"
                + ".filter(e => e.getClientRects().length > 0)"
                + ".filter(e => !(e.getAttribute('aria-label') || e.textContent.trim()"
                + " || (e.labels && e.labels.length)))"
                + ".map(e => e.outerHTML)");
    assertThat((List<?>) unnamed).isEmpty();

    final String thread = browser.find("#threads .thread-open").getDomAttribute("data-thread-id");
    browser.script("document.querySelector('#threads .thread-open').focus()");
    browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
    browser.awaitElement("#messages li.message");
    assertThat(
            browser
                .find(".thread-open[data-thread-id='" + thread + "']")
                .getDomAttribute("aria-current"))
        .isEqualTo("true");
  }
}
