package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.bench.HistoryChunks;
import dev.coexist.db.Engine;
import dev.coexist.db.SearchFold;
import dev.coexist.testing.CoexistProcess;
import dev.coexist.testing.Engines;
import dev.coexist.testing.StoreChecks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    final long started = System.nanoTime();
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
      final long killed = System.nanoTime();
      try (Connection store = StoreChecks.connect(databaseUrl)) {
        StoreChecks.awaitDrained(store, server);
        final long drained = System.nanoTime();
        StoreChecks.assertEveryAcknowledgedDeliveryAppliedOnce(store, acknowledged);
        StoreChecks.assertThreadFiguresEqualRecount(store, CUSTOMERS);
        if (engine == Engine.SQLITE) {
          assertSearchIndexEqualsMessages(store);
        }
        System.out.printf(
            "apply crash test (%s): %d cycles, %d acknowledged deliveries (%d history chunks),"
                + " all applied once, %d threads exact; cycles %.1f s, drain %.1f s, checks %.1f s%n",
            engine,
            CYCLES,
            acknowledged.size(),
            nextChunk.get() - 1,
            StoreChecks.count(store, "SELECT count(*) FROM threads"),
            (killed - started) / 1e9,
            (drained - killed) / 1e9,
            (System.nanoTime() - drained) / 1e9);
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

  /**
   * SQLite: every message with words is in the search index under its key (found by its first word
   * there), every key the index's words name is the key of such a message (no entry left behind by
   * a change), and the list of messages to index is empty: the transaction that writes a message
   * indexes it before it commits, whatever instant the kill came at.
   */
  private static void assertSearchIndexEqualsMessages(final Connection store) throws SQLException {
    assertThat(StoreChecks.count(store, "SELECT count(*) FROM search_pending"))
        .as("messages listed for the search index after their transaction committed")
        .isZero();
    // the index keeps no sizes to scan (V22): its (word, key) pairs are read in one scan; asking
    // it for each word took minutes
    final Map<Long, Set<String>> wordsByKey = new HashMap<>();
    try (Statement vocabulary = store.createStatement()) {
      vocabulary.execute(
          "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_instances"
              + " USING fts5vocab(main, messages_search, instance)");
      try (ResultSet rows = vocabulary.executeQuery("SELECT doc, term FROM search_instances")) {
        while (rows.next()) {
          wordsByKey
              .computeIfAbsent(rows.getLong(1), key -> new HashSet<>())
              .add(rows.getString(2));
        }
      }
    }
    // every message with words is indexed under its key, its first word among that key's words
    // (folded as the search folds it: lower case, no diacritics)
    final List<String> missing = new ArrayList<>();
    final Set<Long> messageKeys = new HashSet<>();
    try (PreparedStatement messages =
            store.prepareStatement(
                "SELECT sent_at * 2147483648 + id, text FROM messages WHERE text IS NOT NULL"
                    + " OR media_caption IS NOT NULL OR media_filename IS NOT NULL");
        ResultSet rows = messages.executeQuery()) {
      while (rows.next()) {
        final long key = rows.getLong(1);
        messageKeys.add(key);
        final Matcher word = WORD.matcher(Objects.requireNonNullElse(rows.getString(2), ""));
        if (word.find()
            && !wordsByKey.getOrDefault(key, Set.of()).contains(SearchFold.fold(word.group()))) {
          missing.add(word.group() + " @ " + key);
        }
      }
    }
    assertThat(messageKeys).as("messages with words").isNotEmpty();
    assertThat(missing).as("messages not in the search index under their key").isEmpty();
    final Set<Long> indexedKeys = wordsByKey.keySet();
    assertThat(indexedKeys)
        .as("keys the search index holds: those of the messages with words")
        .isEqualTo(messageKeys);
  }

  private CoexistProcess start(final String databaseUrl, final int port, final String name)
      throws IOException {
    return CoexistProcess.start(
        dataDir.resolve(name), 0, "--port", String.valueOf(port), "--database", databaseUrl);
  }
}
