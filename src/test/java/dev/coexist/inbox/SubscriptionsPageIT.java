package dev.coexist.inbox;

import static dev.coexist.inbox.Deliveries.ANA;
import static dev.coexist.inbox.Deliveries.PABLO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.coexist.config.ConfigKey;
import dev.coexist.testing.RunningApp;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
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
 * The inbox's Subscriptions page in headless Chromium against the real Coexist: subscriptions
 * created through the API deliver to receivers on loopback that fail (500), are gone (410) or
 * recover, and the page shows what the API says and acts through it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionsPageIT {
  private static final String KEY = "test-key";
  private static final String TIME_ZONE = "America/Sao_Paulo";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARKUP = "Orders <b>sync</b>";

  @TempDir static Path temp;
  private HttpServer receiver;
  private final AtomicInteger flakyAnswer = new AtomicInteger(500);
  private RunningApp app;
  private Deliveries deliveries;
  private Browser browser;

  /** The subscription whose receiver answers 500 to everything. */
  private String failing;

  /** The subscription whose receiver answers 410 Gone: disabled at its first attempt. */
  private String gone;

  /** The subscription whose receiver answers 500 until the test lets it recover. */
  private String flaky;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromedriver");
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    answer("/failing", () -> 500);
    answer("/gone", () -> 410);
    answer("/flaky", flakyAnswer::get);
    receiver.start();
    app =
        RunningApp.start(
            temp.resolve("data"),
            Map.of(ConfigKey.API_KEY, KEY, ConfigKey.ALLOW_PRIVATE_TARGETS, "true"));
    deliveries = new Deliveries(app, KEY);
    failing = subscribe("/failing", MARKUP);
    gone = subscribe("/gone", "Old CRM");
    flaky = subscribe("/flaky", "Analytics");

    // two customers, two threads: neither event waits behind the other's retries
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.inboundText(PABLO, "Pablo Morales", "wamid.subs.1", "Where is my order?"));
    deliveries.post(
        "meta/messages-text.json",
        Deliveries.inboundText(ANA, "Ana Lima", "wamid.subs.2", "Is it still on sale?"));
    deliveries.awaitProcessed();
    browser = Browser.start(Files.createDirectories(temp.resolve("chromium")), TIME_ZONE);
    // each event is tried at once, again at once, then 5 s later; the next try is minutes away,
    // so what the API shows holds still while the page is looked at
    await(
        "three attempts at each event",
        () ->
            subscription(failing).get("failed_attempts").asInt() == 6
                && subscription(flaky).get("failed_attempts").asInt() == 6
                && subscription(gone).get("state").asText().equals("disabled"));
  }

  private void answer(final String path, final IntSupplier status) {
    receiver.createContext(
        path,
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
          }
          exchange.sendResponseHeaders(status.getAsInt(), -1);
          exchange.close();
        });
  }

  private String subscribe(final String path, final String description) throws Exception {
    final String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    final HttpResponse<String> created =
        app.post(
            "/api/v1/subscriptions",
            JSON.writeValueAsBytes(
                Map.of(
                    "url", url, "description", description, "types", List.of("message.created"))),
            "Content-Type",
            "application/json",
            "Authorization",
            "Bearer " + KEY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).get("id").asText();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @BeforeEach
  void openSubscriptions() {
    browser.signIn(app.uri("/").toString(), KEY);
    browser.awaitElement("#numbers li.number");
    browser.find("#show-subscriptions").click();
    browser.await(d -> browser.all("#subscriptions tr[data-subscription-id]").size() == 3);
  }

  @AfterEach
  void screenshot(final TestInfo test) {
    browser.screenshot("SubscriptionsPageIT-" + test.getTestMethod().orElseThrow().getName());
  }

  private JsonNode subscription(final String id) {
    return deliveries.api("/api/v1/subscriptions/" + id);
  }

  private static void await(final String what, final BooleanSupplier condition)
      throws InterruptedException {
    final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  private static String row(final String id) {
    return "#subscriptions tr[data-subscription-id='" + id + "']";
  }

  /** Clicks what {@code css} finds, again if the page re-rendered it meanwhile. */
  private void click(final String css) {
    browser.await(
        d -> {
          browser.find(css).click();
          return true;
        });
  }

  private void select(final String id) {
    click(row(id) + " .subscription-open");
    browser.await(
        d ->
            id.equals(browser.find("#subscription-detail").getDomAttribute("data-subscription-id"))
                && browser.find("#subscription-detail").isDisplayed());
  }

  private String cell(final String css, final String role) {
    return text(browser.find(css + " [data-role='" + role + "']"));
  }

  private static String text(final WebElement element) {
    // Chromium's en-US times put a narrow no-break space before AM/PM
    return element.getText().replace('\u202f', ' ').replace('\u00a0', ' ');
  }

  @Test
  void listsEachSubscriptionWithItsStateLagAndCounters() {
    final JsonNode all = deliveries.api("/api/v1/subscriptions").get("subscriptions");
    assertThat(all).hasSize(3);
    for (final JsonNode subscription : all) {
      final String css = row(subscription.get("id").asText());
      assertThat(browser.find(css + " .subscription-open").getText())
          .isEqualTo(subscription.get("url").asText());
      assertThat(cell(css, "description")).isEqualTo(subscription.get("description").asText());
      assertThat(browser.find(css + " [data-state]").getDomAttribute("data-state"))
          .isEqualTo(subscription.get("state").asText());
      for (final String counter : List.of("delivered", "failed_attempts", "dead_letters")) {
        assertThat(cell(css, counter.replace('_', '-')))
            .as(counter)
            .isEqualTo(subscription.get(counter).asText());
      }
      assertThat(cell(css, "lag")).matches("\\d+ s|\\d+ min( \\d+ s)?");
    }

    final String failingRow = row(failing);
    assertThat(browser.find(failingRow + " [data-state]").getText()).isEqualTo("Active");
    assertThat(cell(failingRow, "failed-attempts")).isEqualTo("6");
    assertThat(cell(failingRow, "delivered")).isEqualTo("0");
    // its events are still pending: the lag is how long the oldest has waited
    assertThat(subscription(failing).get("lag_seconds").asDouble()).isGreaterThanOrEqualTo(1);
    assertThat(cell(failingRow, "lag")).isNotEqualTo("0 s");
    assertThat(browser.all(failingRow + " [data-role='state-reason']")).isEmpty();
    // failing since its first failed attempt, in the viewer's zone as the inbox shows times
    final Instant since = Instant.parse(subscription(failing).get("failing_since").asText());
    final WebElement sinceTime = browser.find(failingRow + " [data-role='failing-since'] time");
    assertThat(Instant.parse(sinceTime.getDomAttribute("datetime"))).isEqualTo(since);
    assertThat(text(sinceTime))
        .isEqualTo(
            DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm a 'GMT-3'", Locale.US)
                .withZone(ZoneId.of(TIME_ZONE))
                .format(since));

    final String goneRow = row(gone);
    assertThat(browser.find(goneRow + " [data-state]").getText()).isEqualTo("Disabled");
    assertThat(cell(goneRow, "state-reason")).isEqualTo("the receiver answered 410 Gone");
    assertThat(browser.find("#subscriptions-count").getText()).isEqualTo("1");

    // the description is text: the markup in it is shown, not built
    assertThat(cell(failingRow, "description")).isEqualTo(MARKUP);
    assertThat(browser.all("#subscriptions-view b")).isEmpty();
    assertThat(browser.console())
        .noneMatch(line -> line.contains("Content Security Policy"))
        .noneMatch(line -> line.contains("SEVERE") && line.contains("/inbox/"));
  }

  @Test
  void selectingOneShowsItsRecentAttemptsWithTheirStatusCodesAndErrors() {
    select(failing);
    assertThat(browser.find("#subscription-title").getText())
        .isEqualTo(subscription(failing).get("url").asText());
    final JsonNode recent = subscription(failing).get("recent_attempts");
    assertThat(recent).hasSize(2);
    browser.await(d -> browser.all("#attempts tr[data-event-id]").size() == 2);
    for (final JsonNode event : recent) {
      final String css = "#attempts tr[data-event-id='" + event.get("id").asText() + "']";
      assertThat(cell(css, "status")).isEqualTo("500");
      assertThat(cell(css, "attempts")).isEqualTo("3");
      assertThat(cell(css, "error")).isEqualTo(event.get("last_error").asText()).contains("500");
      assertThat(browser.find(css + " [data-event-state]").getText()).isEqualTo("Pending");
      assertThat(browser.find(css).getText()).contains("message.created");
      // when it was last tried and when it will be again
      assertThat(browser.find(css).findElements(By.cssSelector("time"))).hasSize(2);
    }
    assertThat(browser.find("#dead-empty").isDisplayed()).isTrue();
    assertThat(browser.find("#replay-dead").isEnabled()).isFalse();
    assertThat(browser.find("#subscription-pause").isDisplayed()).isTrue();
    assertThat(browser.find("#subscription-resume").isDisplayed()).isFalse();

    // the disabled one: why, its 410, and a way to resume it
    select(gone);
    assertThat(browser.find("#subscription-facts [data-role='state']").getText())
        .contains("Disabled")
        .contains("the receiver answered 410 Gone");
    browser.await(d -> !browser.all("#attempts tr[data-event-id]").isEmpty());
    assertThat(browser.all("#attempts [data-role='status']"))
        .extracting(WebElement::getText)
        .contains("410");
    // nothing is sent to a disabled subscription until it is resumed
    assertThat(browser.all("#attempts [data-role='next-attempt']"))
        .extracting(WebElement::getText)
        .containsOnly("when resumed");
    assertThat(browser.find("#subscription-resume").isDisplayed()).isTrue();
    assertThat(browser.find("#subscription-pause").isDisplayed()).isFalse();

    final Object unnamed =
        browser.script(
            "return [...document.querySelectorAll('#subscriptions-view button')]"
                + ".filter(e => e.getClientRects().length > 0)"
                + ".filter(e => !(e.getAttribute('aria-label') || e.textContent.trim()))"
                + ".map(e => e.outerHTML)");
    assertThat((List<?>) unnamed).isEmpty();
  }

  @Test
  void pauseAndResumeChangeTheStateHereAndInTheApi() {
    select(failing);
    click("#subscription-pause");
    browser.await(
        d ->
            "paused"
                .equals(
                    browser.find(row(failing) + " [data-state]").getDomAttribute("data-state")));
    assertThat(subscription(failing).get("state").asText()).isEqualTo("paused");
    assertThat(browser.find(row(failing) + " [data-state]").getText()).isEqualTo("Paused");
    assertThat(browser.find("#subscription-status").getText()).isEqualTo("Paused.");
    assertThat(browser.find("#subscription-pause").isDisplayed()).isFalse();

    click("#subscription-resume");
    browser.await(
        d ->
            "active"
                .equals(
                    browser.find(row(failing) + " [data-state]").getDomAttribute("data-state")));
    assertThat(subscription(failing).get("state").asText()).isEqualTo("active");
    assertThat(browser.find("#subscription-status").getText()).isEqualTo("Resumed.");
    assertThat(browser.find("#subscription-pause").isDisplayed()).isTrue();
  }

  @Test
  void replaysDeadLettersOneAtATimeAndAll() throws Exception {
    // the retry schedule takes more than a day to give up: the test makes the pending events
    // dead letters as the forwarder's last failed attempt would (state and counter)
    final int dead = makeDeadLetters(flaky);
    assertThat(dead).isEqualTo(2);
    flakyAnswer.set(200);
    // the page was open before: showing it again asks again
    click("#show-subscriptions");
    browser.await(d -> cell(row(flaky), "dead-letters").equals("2"));

    select(flaky);
    browser.await(d -> browser.all("#dead tr[data-event-id]").size() == 2);
    final List<String> ids =
        browser.all("#dead tr[data-event-id]").stream()
            .map(event -> event.getDomAttribute("data-event-id"))
            .toList();
    for (final String id : ids) {
      final String css = "#dead tr[data-event-id='" + id + "']";
      assertThat(cell(css, "status")).isEqualTo("500");
      assertThat(cell(css, "attempts")).isEqualTo("3");
    }

    click("#dead tr[data-event-id='" + ids.get(0) + "'] button[data-replay]");
    browser.await(
        d ->
            browser
                .find("#subscription-status")
                .getText()
                .equals("Event #" + ids.get(0) + " queued for replay."));
    browser.await(d -> browser.all("#dead tr[data-event-id]").size() == 1);
    assertThat(deadLetters(flaky)).containsExactly(ids.get(1));

    click("#replay-dead");
    browser.await(
        d ->
            browser
                .find("#subscription-status")
                .getText()
                .equals("1 dead letter queued for replay."));
    browser.await(d -> browser.find("#dead-empty").isDisplayed());
    assertThat(deadLetters(flaky)).isEmpty();

    // the receiver takes both now
    await("both delivered", () -> subscription(flaky).get("delivered").asInt() == 2);
    click("#show-subscriptions");
    browser.await(
        d ->
            browser.all("#attempts [data-role='status']").stream()
                .map(WebElement::getText)
                .toList()
                .equals(List.of("200", "200")));
    assertThat(browser.all("#attempts [data-event-state]"))
        .extracting(WebElement::getText)
        .containsOnly("Delivered");
    browser.await(d -> cell(row(flaky), "delivered").equals("2"));
    assertThat(cell(row(flaky), "dead-letters")).isEqualTo("0");
    assertThat(cell(row(flaky), "lag")).isEqualTo("0 s");
  }

  private List<String> deadLetters(final String id) {
    return StreamSupport.stream(
            deliveries
                .api("/api/v1/subscriptions/" + id + "/dead-letters")
                .get("dead_letters")
                .spliterator(),
            false)
        .map(event -> event.get("id").asText())
        .toList();
  }

  private int makeDeadLetters(final String id) throws Exception {
    try (Connection store = DriverManager.getConnection("jdbc:sqlite:" + app.databaseFile())) {
      try (Statement pragma = store.createStatement()) {
        pragma.execute("PRAGMA busy_timeout = 5000");
      }
      store.setAutoCommit(false);
      final int dead;
      try (PreparedStatement events =
              store.prepareStatement(
                  "UPDATE outbound_events SET state = 'dead'"
                      + " WHERE subscription_id = ? AND state = 'pending'");
          PreparedStatement counter =
              store.prepareStatement(
                  "UPDATE subscriptions SET dead_letters = dead_letters + ? WHERE id = ?")) {
        events.setString(1, id);
        dead = events.executeUpdate();
        counter.setInt(1, dead);
        counter.setString(2, id);
        counter.executeUpdate();
      }
      store.commit();
      return dead;
    }
  }
}
