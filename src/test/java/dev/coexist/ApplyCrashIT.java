package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.bench.HistoryChunks;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.db.Storage;
import dev.coexist.testing.CoexistProcess;
import dev.coexist.testing.Engines;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Coexist as a separate process, killed with SIGKILL at a random moment while it imports a history
 * and receives live messages and echoes for the same threads, ten times over the same store; then
 * started once more and left to finish. Every acknowledged delivery must then be applied exactly
 * once, and every thread's figures (counts, unread, last message) must equal a recount of its
 * messages: nothing the store needs may have lived only in the killed process's memory.
 */
class ApplyCrashIT {
  private static final int CYCLES = 10;
  private static final int LIVE_CLIENTS = 4;
  private static final String IMPORTING = "106540352242922";
  private static final String LIVE_ONLY = "106540352242923";
  private static final String BUSINESS = "15550001111";
  private static final int CUSTOMERS = 40;
  // 10 threads of 20 messages a chunk, from a pool of 40 customers that live traffic shares
  private static final HistoryChunks HISTORY = new HistoryChunks(IMPORTING, 10, 20, CUSTOMERS);

  // entries beyond their lane's position, or asked to be applied again
  private static final String PENDING =
      """
      SELECT (SELECT count(*) FROM processor_lanes p JOIN journal j ON j.lane = p.lane
               WHERE j.state = 'pending' AND j.id > p.applied_up_to)
           + (SELECT count(*) FROM replay_requests)
      """;

  // a word as SQLite's unicode61 tokenizer cuts one
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  @TempDir Path dataDir;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void threadFiguresAndAppliesSurviveKillNine(final Engine engine) throws Exception {
    final String databaseUrl = Engines.url(engine, dataDir);
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger nextChunk = new AtomicInteger(1);
    final AtomicInteger nextLive = new AtomicInteger();
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      final int port = CoexistProcess.freePort();
      try (CoexistProcess server = start(databaseUrl, port, "cycle-" + cycle)) {
        server.awaitReady(port);
        deliverUntilKilled(port, server, acknowledged, nextChunk, nextLive);
      }
    }

    final int port = CoexistProcess.freePort();
    try (CoexistProcess server = start(databaseUrl, port, "final")) {
      server.awaitReady(port);
      try (Connection store = connect(databaseUrl)) {
        awaitDrained(store, server);
        assertEveryAcknowledgedDeliveryAppliedOnce(store, acknowledged);
        assertThreadFiguresEqualRecount(store);
        if (engine == Engine.SQLITE) {
          assertSearchIndexEqualsMessages(store);
        }
        System.out.printf(
            "apply crash test (%s): %d cycles, %d acknowledged deliveries (%d history chunks),"
                + " all applied once, %d threads exact%n",
            engine,
            CYCLES,
            acknowledged.size(),
            nextChunk.get() - 1,
            count(store, "SELECT count(*) FROM threads"));
      }
    }
  }

  /** One history poster (chunks in order) and a few live posters, until the server is killed. */
  private static void deliverUntilKilled(
      final int port,
      final CoexistProcess server,
      final Set<String> acknowledged,
      final AtomicInteger nextChunk,
      final AtomicInteger nextLive)
      throws Exception {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger acks = new AtomicInteger();
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      final List<Future<?>> workers = new ArrayList<>();
      workers.add(
          clients.submit(
              () -> {
                while (running.get()) {
                  final int chunk = nextChunk.get();
                  final byte[] body = HISTORY.chunk(0, chunk, Math.min(99, chunk));
                  if (post(client, port, "360dialog", body)) {
                    acknowledged.add("bench-" + IMPORTING + "-0-" + chunk);
                    nextChunk.incrementAndGet();
                    acks.incrementAndGet();
                  }
                }
                return null;
              }));
      for (int worker = 0; worker < LIVE_CLIENTS; worker++) {
        workers.add(
            clients.submit(
                () -> {
                  while (running.get()) {
                    final int sequence = nextLive.incrementAndGet();
                    final String wamid = "wamid.LIVE." + sequence;
                    if (post(client, port, "whatsapp", live(sequence, wamid))) {
                      acknowledged.add(wamid);
                      acks.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (acks.get() < 10 && Instant.now().isBefore(deadline)) {
        Thread.sleep(10);
      }
      // a random moment: in the middle of a chunk's apply, a refresh, a commit, a checkpoint
      Thread.sleep(ThreadLocalRandom.current().nextInt(20, 1_500));
      server.kill();
      running.set(false);
      for (final Future<?> worker : workers) {
        worker.get();
      }
    }
    assertThat(acks.get()).as("deliveries acknowledged before the kill").isGreaterThanOrEqualTo(10);
  }

  private static boolean post(
      final HttpClient client, final int port, final String route, final byte[] body)
      throws InterruptedException {
    try {
      final HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/" + route))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException killed) {
      return false;
    }
  }

  /**
   * A live message of one of the history's customers (an inbound text, or an echo of the business
   * app: the business answered), newer than the history; or a customer of a number without import.
   */
  private static byte[] live(final int sequence, final String wamid) {
    final String number = sequence % 5 == 0 ? LIVE_ONLY : IMPORTING;
    final String customer = "1650%07d".formatted(sequence % CUSTOMERS);
    final long timestamp = 1_740_000_000L + sequence;
    final boolean echo = sequence % 3 == 0;
    final String message =
        echo
            ? """
              "message_echoes":[{"from":"%s","to":"%s","id":"%s","timestamp":"%d",\
              "type":"text","text":{"body":"Answer %d"}}]"""
                .formatted(BUSINESS, customer, wamid, timestamp, sequence)
            : """
              "contacts":[{"profile":{"name":"Customer %s"},"wa_id":"%s"}],\
              "messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text",\
              "text":{"body":"Question %d"}}]"""
                .formatted(customer, customer, customer, wamid, timestamp, sequence);
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{\
        "field":"%s","value":{"messaging_product":"whatsapp","metadata":{\
        "display_phone_number":"%s","phone_number_id":"%s"},%s}}]}]}"""
        .formatted(echo ? "smb_message_echoes" : "messages", BUSINESS, number, message)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Waits until nothing is pending in the journal and no thread waits for its figures. */
  private static void awaitDrained(final Connection store, final CoexistProcess server)
      throws Exception {
    final Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      assertThat(server.process().isAlive()).as("server process alive").isTrue();
      if (count(store, PENDING) == 0 && count(store, "SELECT count(*) FROM dirty_threads") == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "not drained after 120 s: "
            + count(store, PENDING)
            + " pending entries, "
            + count(store, "SELECT count(*) FROM dirty_threads")
            + " threads waiting");
  }

  /**
   * Every acknowledged history chunk (by its envelope id) and live message (by its wamid) is an
   * applied journal entry, applied once (one attempt: it was never applied, lost and applied again
   * as another attempt), and every acknowledged message is stored once.
   */
  private static void assertEveryAcknowledgedDeliveryAppliedOnce(
      final Connection store, final Set<String> acknowledged) throws SQLException {
    final List<String> problems = new ArrayList<>();
    try (PreparedStatement entries =
            store.prepareStatement(
                """
                SELECT j.event_id, COALESCE(o.state, 'not applied') AS state,
                       COALESCE(o.attempts, 0) AS attempts, j.body
                  FROM journal j LEFT JOIN entry_outcomes o ON o.journal_id = j.id
                 WHERE j.state <> 'duplicate'
                """);
        ResultSet rows = entries.executeQuery()) {
      final Set<String> journalled = new java.util.HashSet<>();
      while (rows.next()) {
        final String eventId = rows.getString("event_id");
        final String body = new String(rows.getBytes("body"), StandardCharsets.UTF_8);
        final String key = eventId != null ? eventId : liveWamid(body);
        journalled.add(key);
        if (!"applied".equals(rows.getString("state")) || rows.getInt("attempts") != 1) {
          problems.add(key + " is " + rows.getString("state") + " after " + rows.getInt(3));
        }
      }
      for (final String delivery : acknowledged) {
        if (!journalled.contains(delivery)) {
          problems.add(delivery + " acknowledged but not in the journal");
        }
      }
    }
    assertThat(problems).as("acknowledged deliveries not applied exactly once").isEmpty();
    for (final String delivery : acknowledged) {
      if (delivery.startsWith("wamid.")) {
        try (PreparedStatement message =
            store.prepareStatement("SELECT count(*) FROM messages WHERE wamid = ?")) {
          message.setString(1, delivery);
          try (ResultSet row = message.executeQuery()) {
            row.next();
            assertThat(row.getInt(1)).as("stored copies of %s", delivery).isEqualTo(1);
          }
        }
      }
    }
  }

  private static String liveWamid(final String body) {
    final int at = body.indexOf("\"id\":\"wamid.");
    return at < 0 ? body : body.substring(at + 6, body.indexOf('"', at + 6));
  }

  /**
   * Recounts every thread from its messages, the way the figures are defined: counts per direction,
   * the newest message (by time, then wamid), and unread = live inbound messages newer than the
   * business's newest answer.
   */
  private static void assertThreadFiguresEqualRecount(final Connection store) throws SQLException {
    final String recount =
        """
        SELECT t.id, t.message_count, r.total, t.inbound_count, r.inbound, t.outbound_count,
               r.outbound, t.unread_count, r.unread, t.last_message_at, r.newest,
               t.last_message_wamid,
               (SELECT m.wamid FROM messages m WHERE m.thread_id = t.id
                 ORDER BY m.sent_at DESC, m.wamid DESC LIMIT 1) AS newest_wamid
          FROM threads t
          JOIN (SELECT t2.id,
                       (SELECT count(*) FROM messages m WHERE m.thread_id = t2.id) AS total,
                       (SELECT count(*) FROM messages m
                         WHERE m.thread_id = t2.id AND m.direction = 'inbound') AS inbound,
                       (SELECT count(*) FROM messages m
                         WHERE m.thread_id = t2.id AND m.direction = 'outbound') AS outbound,
                       (SELECT count(*) FROM messages m
                         WHERE m.thread_id = t2.id AND m.direction = 'inbound'
                           AND (m.sources & 4) <> 0
                           AND m.sent_at > COALESCE((SELECT max(o.sent_at) FROM messages o
                                                      WHERE o.thread_id = t2.id
                                                        AND o.direction = 'outbound'), -1))
                         AS unread,
                       COALESCE((SELECT max(m.sent_at) FROM messages m
                                  WHERE m.thread_id = t2.id), 0) AS newest
                  FROM threads t2) r ON r.id = t.id
        """;
    final List<String> wrong = new ArrayList<>();
    int threads = 0;
    try (PreparedStatement select = store.prepareStatement(recount);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        threads++;
        final boolean exact =
            rows.getLong(2) == rows.getLong(3)
                && rows.getLong(4) == rows.getLong(5)
                && rows.getLong(6) == rows.getLong(7)
                && rows.getLong(8) == rows.getLong(9)
                && rows.getLong(10) == rows.getLong(11)
                && java.util.Objects.equals(rows.getString(12), rows.getString(13));
        if (!exact) {
          wrong.add(
              "thread %d: count %d/%d, inbound %d/%d, outbound %d/%d, unread %d/%d, last at %d/%d, last %s/%s"
                  .formatted(
                      rows.getLong(1),
                      rows.getLong(2),
                      rows.getLong(3),
                      rows.getLong(4),
                      rows.getLong(5),
                      rows.getLong(6),
                      rows.getLong(7),
                      rows.getLong(8),
                      rows.getLong(9),
                      rows.getLong(10),
                      rows.getLong(11),
                      rows.getString(12),
                      rows.getString(13)));
        }
      }
    }
    assertThat(threads).as("threads in the store").isGreaterThanOrEqualTo(CUSTOMERS);
    assertThat(wrong)
        .as("threads whose figures differ from a recount (stored/recounted)")
        .isEmpty();
  }

  /**
   * SQLite: every message with words is in the search index under its key (found by its first word
   * there), the index holds as many entries as there are such messages, and the list of messages to
   * index is empty: the transaction that writes a message indexes it before it commits, whatever
   * instant the kill came at.
   */
  private static void assertSearchIndexEqualsMessages(final Connection store) throws SQLException {
    assertThat(count(store, "SELECT count(*) FROM search_pending"))
        .as("messages listed for the search index after their transaction committed")
        .isZero();
    final List<String> missing = new ArrayList<>();
    try (PreparedStatement messages =
            store.prepareStatement(
                "SELECT sent_at * 2147483648 + id, text FROM messages WHERE text IS NOT NULL");
        PreparedStatement indexed =
            store.prepareStatement(
                "SELECT count(*) FROM messages_search WHERE messages_search MATCH ? AND rowid = ?");
        ResultSet rows = messages.executeQuery()) {
      while (rows.next()) {
        final Matcher word = WORD.matcher(rows.getString(2));
        if (!word.find()) {
          continue;
        }
        indexed.setString(1, '"' + word.group() + '"');
        indexed.setLong(2, rows.getLong(1));
        try (ResultSet found = indexed.executeQuery()) {
          found.next();
          if (found.getLong(1) != 1) {
            missing.add(rows.getString(2));
          }
        }
      }
    }
    assertThat(missing).as("messages not in the search index under their key").isEmpty();
    assertThat(count(store, "SELECT count(*) FROM messages_search"))
        .as("entries of the search index")
        .isEqualTo(
            count(
                store,
                "SELECT count(*) FROM messages WHERE text IS NOT NULL"
                    + " OR media_caption IS NOT NULL OR media_filename IS NOT NULL"));
  }

  private static long count(final Connection store, final String sql) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  /** The store, and on SQLite the journal's file attached to it, as the store's readers see it. */
  private static Connection connect(final String databaseUrl) throws SQLException {
    final Connection connection = DriverManager.getConnection(databaseUrl);
    if (databaseUrl.startsWith("jdbc:sqlite:")) {
      final Path storeFile = Database.sqliteFile(databaseUrl);
      try (Statement attach = connection.createStatement()) {
        attach.execute("ATTACH DATABASE '" + Storage.journalFileOf(storeFile) + "' AS journal_db");
      }
    }
    return connection;
  }

  private CoexistProcess start(final String databaseUrl, final int port, final String name)
      throws IOException {
    return CoexistProcess.start(
        dataDir.resolve(name), 0, "--port", String.valueOf(port), "--database", databaseUrl);
  }
}
