package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.coexist.DataPath;
import dev.coexist.changes.Subscriptions;
import dev.coexist.changes.WebhookSubscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** coexist subscriptions on a real SQLite file. */
class SubscriptionsCommandIT {
  // a public address that needs no DNS (TEST-NET-3): the rules refuse private ones only
  private static final String PUBLIC_URL = "https://203.0.113.10/hooks/coexist";
  private static final String GIVEN_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @TempDir Path folder;

  private record Run(int exitCode, String out, String err) {}

  private Run run(final String... args) {
    final CommandLine commandLine = CoexistCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return new Run(commandLine.execute(args), out.toString(), err.toString());
  }

  /** {@code coexist subscriptions ARGS --data-dir <the test's data>}. */
  private Run subscriptions(final String... args) {
    final String[] all = new String[args.length + 3];
    all[0] = "subscriptions";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data-dir";
    all[args.length + 2] = folder.resolve("data").toString();
    return run(all);
  }

  /** The store serve would have made: the subscriptions commands refuse to make one. */
  @BeforeEach
  void makeTheStore() {
    open().close();
  }

  private DataPath open() {
    return DataPath.open(
        DataPath.Settings.forTool("jdbc:sqlite:" + folder.resolve("data").resolve("coexist.db")),
        new SimpleMeterRegistry(),
        change -> {});
  }

  private Optional<WebhookSubscription> row(final String id) throws Exception {
    try (DataPath dataPath = open()) {
      return new Subscriptions(dataPath.storage().store()).find(id);
    }
  }

  private static String field(final String out, final String name) {
    final Matcher line = Pattern.compile("(?m)^" + name + ": (\\S+)$").matcher(out);
    assertThat(line.find()).as("a '%s: ' line in:%n%s", name, out).isTrue();
    return line.group(1);
  }

  private String add(final String... options) {
    final String[] args = new String[options.length + 1];
    args[0] = "add";
    System.arraycopy(options, 0, args, 1, options.length);
    final Run added = subscriptions(args);
    assertThat(added.exitCode()).as(added.err()).isZero();
    return field(added.out(), "id");
  }

  @Test
  void addPrintsTheIdAndANewSecretOnceAndStoresTheRow() throws Exception {
    final Run added =
        subscriptions(
            "add",
            "--url",
            PUBLIC_URL,
            "--type",
            "message",
            "--type",
            "status.created",
            "--number",
            "106540352242922",
            "--description",
            "CRM sync");

    assertThat(added.exitCode()).as(added.err()).isZero();
    final String id = field(added.out(), "id");
    final String secret = field(added.out(), "secret");
    assertThat(id).matches("sub_[a-z2-9]{20}");
    assertThat(secret).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
    assertThat(added.err()).contains("shown only now");

    final WebhookSubscription row = row(id).orElseThrow();
    assertThat(row.url()).isEqualTo(PUBLIC_URL);
    assertThat(row.description()).isEqualTo("CRM sync");
    assertThat(row.types())
        .containsExactlyInAnyOrder("message.created", "message.updated", "status.created");
    assertThat(row.numbers()).containsExactly("106540352242922");
    assertThat(row.secret()).isEqualTo(secret);
    assertThat(row.state()).isEqualTo(WebhookSubscription.ACTIVE);

    final Run shown = subscriptions("show", id);
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.out())
        .contains(PUBLIC_URL)
        .contains("CRM sync")
        .contains("106540352242922")
        .contains("recent attempts: none")
        .doesNotContain(secret);
  }

  @Test
  void aGivenSecretAndAPrivateTargetWhenAllowed() throws Exception {
    final String id =
        add(
            "--url",
            "http://127.0.0.1:9/hook",
            "--allow-private-targets",
            "--secret",
            GIVEN_SECRET);

    final WebhookSubscription row = row(id).orElseThrow();
    assertThat(row.secret()).isEqualTo(GIVEN_SECRET);
    assertThat(row.types()).isEmpty();
    assertThat(row.numbers()).isEmpty();
    assertThat(row.historyMessages()).isFalse();
  }

  @Test
  void historyMessagesAreAskedForWithAnOption() throws Exception {
    final String id = add("--url", PUBLIC_URL, "--history-messages");

    assertThat(row(id).orElseThrow().historyMessages()).isTrue();
    assertThat(subscriptions("show", id).out())
        .contains("history:         a chunk's change and one message.created per message");
  }

  @Test
  void listPauseResumeRotateAndDelete() throws Exception {
    final String first = add("--url", PUBLIC_URL);
    final String second = add("--url", "https://203.0.113.11/other");
    final String oldSecret = row(first).orElseThrow().secret();

    final Run listed = subscriptions("list");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    final List<String> lines = listed.out().lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("ID", "STATE", "URL", "DELIVERED", "FAILED", "DEAD", "LAG");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1).split("\\s+"))
        .containsExactly(first, "active", PUBLIC_URL, "0", "0", "0", "0s");
    assertThat(lines.get(2)).startsWith(second);

    final Run paused = subscriptions("pause", first);
    assertThat(paused.exitCode()).as(paused.err()).isZero();
    assertThat(paused.out()).contains(first + ": paused");
    assertThat(row(first).orElseThrow().state()).isEqualTo(WebhookSubscription.PAUSED);
    assertThat(row(second).orElseThrow().state()).isEqualTo(WebhookSubscription.ACTIVE);
    assertThat(subscriptions("list").out()).containsPattern(first + "\\s+paused");

    final Run resumed = subscriptions("resume", first);
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains(first + ": active");
    assertThat(row(first).orElseThrow().state()).isEqualTo(WebhookSubscription.ACTIVE);

    final Run rotated = subscriptions("rotate-secret", first);
    assertThat(rotated.exitCode()).as(rotated.err()).isZero();
    final String newSecret = field(rotated.out(), "secret");
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
    final WebhookSubscription afterRotation = row(first).orElseThrow();
    assertThat(afterRotation.secret()).isEqualTo(newSecret);
    assertThat(afterRotation.previousSecret()).isEqualTo(oldSecret);
    assertThat(afterRotation.previousSecretUntil())
        .isCloseTo(Instant.now().plus(Duration.ofHours(24)), within(1, ChronoUnit.MINUTES));
    assertThat(rotated.out())
        .contains("previous secret signs until: " + afterRotation.previousSecretUntil());
    assertThat(subscriptions("show", first).out()).contains("previous secret: still signs until");

    final Run givenRotation = subscriptions("rotate-secret", first, "--secret", GIVEN_SECRET);
    assertThat(givenRotation.exitCode()).as(givenRotation.err()).isZero();
    assertThat(row(first).orElseThrow().secret()).isEqualTo(GIVEN_SECRET);

    final Run deleted = subscriptions("delete", first);
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(deleted.out()).contains("deleted " + first);
    assertThat(row(first)).isEmpty();
    assertThat(row(second)).isPresent();
    assertThat(subscriptions("list").out()).doesNotContain(first).contains(second);

    subscriptions("delete", second);
    assertThat(subscriptions("list").out()).contains("no subscriptions");
  }

  @Test
  void badInputIsRefusedWithItsReasonAndNothingIsCreated() {
    refused("url must be http or https", "add", "--url", "ftp://203.0.113.10/x");
    refused("url is not a valid URL", "add", "--url", "https://exa mple.com/");
    refused(
        "is a private address (127.0.0.1); set --allow-private-targets",
        "add",
        "--url",
        "http://127.0.0.1:9/hook");
    refused(
        "a secret starts with whsec_ followed by base64",
        "add",
        "--url",
        PUBLIC_URL,
        "--secret",
        "s3cr3t");
    refused(
        "the secret's key must be 16 to 64 bytes, was 3",
        "add",
        "--url",
        PUBLIC_URL,
        "--secret",
        "whsec_c2hv");
    refused(
        "unknown change type 'message.sent'; known: message.created",
        "add",
        "--url",
        PUBLIC_URL,
        "--type",
        "message.sent");
    refused(
        "numbers must be phone_number_ids (digits), was '+4930123'",
        "add",
        "--url",
        PUBLIC_URL,
        "--number",
        "+4930123");
    assertThat(subscriptions("list").out()).contains("no subscriptions");

    final String id = add("--url", PUBLIC_URL);
    refused("a secret starts with whsec_", "rotate-secret", id, "--secret", "nope");
    refused("--since must be an ISO-8601 instant", "replay", id, "--since", "yesterday");
    refused("--event: an event id is a whole number", "replay", id, "--event", "4211.x");

    final Run noUrl = subscriptions("add");
    assertThat(noUrl.exitCode()).isEqualTo(2);
    assertThat(noUrl.err()).contains("Missing required option: '--url=URL'");
    final Run neither = subscriptions("replay", id);
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("--event=EVENT_ID | --since=INSTANT");
  }

  private void refused(final String reason, final String... args) {
    final Run run = subscriptions(args);
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("coexist subscriptions " + args[0] + ": ")
        .contains(reason)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void anUnknownIdIsNamed() {
    for (final List<String> args :
        List.of(
            List.of("show"),
            List.of("pause"),
            List.of("resume"),
            List.of("rotate-secret"),
            List.of("delete"),
            List.of("dead-letters"),
            List.of("replay", "--event", "1"))) {
      final String[] withId = new String[args.size() + 1];
      withId[0] = args.get(0);
      withId[1] = "sub_missing";
      for (int index = 1; index < args.size(); index++) {
        withId[index + 1] = args.get(index);
      }
      final Run run = subscriptions(withId);
      assertThat(run.exitCode()).as(String.join(" ", withId)).isEqualTo(1);
      assertThat(run.err())
          .isEqualTo(
              "coexist subscriptions "
                  + args.get(0)
                  + ": no subscription sub_missing"
                  + System.lineSeparator());
    }
  }

  @Test
  void deadLettersAreListedAndReplayed() throws Exception {
    final String id = add("--url", PUBLIC_URL);
    assertThat(subscriptions("dead-letters", id).out()).contains("no dead letters");
    final long committed = Instant.parse("2026-03-16T12:00:00Z").toEpochMilli();
    // two changes the forwarder gave up on (as it leaves them: dead, counted)
    try (DataPath dataPath = open();
        Connection connection = dataPath.storage().store().pool().getConnection();
        Statement sql = connection.createStatement()) {
      sql.executeUpdate(
          "INSERT INTO changes (seq, committed_at, type, phone_number_id, data) VALUES"
              + " (41, "
              + committed
              + ", 'message.created', '106540352242922', '{}'),"
              + " (42, "
              + (committed + 60_000)
              + ", 'status.created', '106540352242922', '{}')");
      sql.executeUpdate(
          "INSERT INTO outbound_events (subscription_id, seq, ordering_key, state, attempts,"
              + " next_attempt_at, last_status, last_error, last_attempt_at) VALUES"
              + " ('"
              + id
              + "', 41, 't1', 'dead', 8, 0, 500, 'HTTP 500', "
              + committed
              + "), ('"
              + id
              + "', 42, 't1', 'dead', 8, 0, NULL, 'connect timed out', "
              + committed
              + ")");
      sql.executeUpdate("UPDATE subscriptions SET dead_letters = 2 WHERE id = '" + id + "'");
    }

    final Run dead = subscriptions("dead-letters", id);
    assertThat(dead.exitCode()).as(dead.err()).isZero();
    final List<String> lines = dead.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("EVENT").contains("LAST ERROR");
    assertThat(lines.get(1).strip())
        .startsWith("41 ")
        .contains("message.created")
        .contains("HTTP 500");
    assertThat(lines.get(2).strip()).startsWith("42 ").contains("connect timed out");
    assertThat(subscriptions("list").out()).containsPattern(id + ".*\\s2\\s+0s");
    final Run shown = subscriptions("show", id);
    assertThat(shown.out())
        .contains("dead letters:    2")
        .contains("recent attempts:" + System.lineSeparator() + "EVENT");
    assertThat(shown.out().lines().filter(line -> line.contains(" dead ")))
        .anyMatch(line -> line.strip().startsWith("42 ") && line.contains("connect timed out"));

    final Run one = subscriptions("replay", id, "--event", "41");
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out()).contains("replayed 1 dead letters of " + id);
    final Run again = subscriptions("replay", id, "--event", "41");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("event 41 is not a dead letter of " + id);

    final Run later = subscriptions("replay", id, "--since", "2026-03-16T12:00:30Z");
    assertThat(later.exitCode()).as(later.err()).isZero();
    assertThat(later.out()).contains("replayed 1 dead letters");
    assertThat(subscriptions("dead-letters", id).out()).contains("no dead letters");
    assertThat(row(id).orElseThrow().deadLetters()).isZero();
    final Run nothing = subscriptions("replay", id, "--since", "2026-03-16T12:00:00Z");
    assertThat(nothing.exitCode()).isEqualTo(1);
    assertThat(nothing.err()).contains("nothing to replay");
  }

  @Test
  void theHelpNamesEverySubcommand() {
    assertThat(run("--help").out()).contains("subscriptions");
    final Run help = run("subscriptions", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("list", "add", "show", "pause", "resume", "rotate-secret", "delete")
        .contains("dead-letters", "replay");
    final Run none = run("subscriptions");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("Missing required subcommand");
  }
}
