package dev.coexist.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.journal.Journal;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Reads from a big store: {@code messages} history messages are journalled and applied for one
 * number, then one client asks, through real HTTP, for thread-list pages (the first page and pages
 * further down by cursor) and for message pages of random threads. {@code GET /health/live} in the
 * same run is the floor: what an HTTP round trip costs here with no query at all. The search step
 * asks GET /api/v1/search for words and for wamids.
 */
final class ReadScenario {
  static final String NUMBER = "106540352240004";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 50;

  record Outcome(
      String engine,
      long messages,
      long threads,
      double loadSeconds,
      Histogram floor,
      Histogram threadList,
      Histogram messagePage,
      Histogram searchWords,
      Histogram searchWamid) {}

  /**
   * What the search step asks for: whole words, beginnings of words and two words together, in
   * every number and in one. Every word is in the bench's texts, so each one matches a sixth of the
   * messages or more: the worst case of a search (the matches are sorted by time), not a typical
   * one.
   */
  private static final String[] SEARCHES = {
    "Hauptstrasse", "thursday", "reserve", "haupt", "deliv", "blue available", "order 4711", "fri"
  };

  private ReadScenario() {}

  static Outcome run(
      final String engine,
      final Path dataDir,
      final String databaseUrl,
      final HistoryChunks chunks,
      final int chunkCount,
      final int requests,
      final PrintWriter progress)
      throws Exception {
    try (BenchApp app = BenchApp.start(dataDir, databaseUrl)) {
      final long loadStarted = System.nanoTime();
      load(app, chunks, chunkCount, progress);
      final double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
      final long messages = messageCount(app);
      final List<String> threadIds = new ArrayList<>();
      final List<String> cursors = new ArrayList<>();
      collectThreads(app, threadIds, cursors);
      final SplittableRandom random = new SplittableRandom(42);
      final Histogram floor = histogram();
      final Histogram threadList = histogram();
      final Histogram messagePage = histogram();
      final Histogram searchWords = histogram();
      final Histogram searchWamid = histogram();
      final String threadsPath = "/api/v1/numbers/" + NUMBER + "/threads?limit=" + PAGE;
      for (int round = 0; round < 2; round++) {
        // round 0 warms up; round 1 is measured
        final boolean measured = round == 1;
        for (int index = 0; index < requests; index++) {
          time(app, "/health/live", measured ? floor : null);
          final String cursor = index % 2 == 0 ? null : cursors.get(random.nextInt(cursors.size()));
          time(
              app,
              cursor == null ? threadsPath : threadsPath + "&cursor=" + encode(cursor),
              measured ? threadList : null);
          final String thread = threadIds.get(random.nextInt(threadIds.size()));
          time(
              app,
              "/api/v1/numbers/" + NUMBER + "/threads/" + thread + "/messages?limit=" + PAGE,
              measured ? messagePage : null);
          final String words = SEARCHES[random.nextInt(SEARCHES.length)];
          time(
              app,
              "/api/v1/search?limit="
                  + PAGE
                  + "&q="
                  + encode(words)
                  + (index % 2 == 0 ? "" : "&number=" + NUMBER),
              measured ? searchWords : null);
          final String wamid =
              chunks.wamid(
                  1, 1 + random.nextInt(chunkCount), random.nextInt(chunks.messagesPerChunk()));
          time(app, "/api/v1/search?q=" + encode(wamid), measured ? searchWamid : null);
        }
      }
      return new Outcome(
          engine,
          messages,
          threadIds.size(),
          loadSeconds,
          floor,
          threadList,
          messagePage,
          searchWords,
          searchWamid);
    }
  }

  private static void load(
      final BenchApp app, final HistoryChunks chunks, final int count, final PrintWriter progress)
      throws Exception {
    final Journal journal = app.app().journal();
    final List<byte[]> bodies = new ArrayList<>();
    for (int chunk = 1; chunk <= count; chunk++) {
      bodies.add(chunks.chunk(1, chunk, Math.min(100, chunk * 100 / count)));
      if (bodies.size() == 64 || chunk == count) {
        ImportScenario.journalAll(journal, bodies);
        bodies.clear();
      }
    }
    long pending;
    while ((pending = app.app().dataPath().states().pendingEntriesNow()) > 0) {
      progress.printf(Locale.ROOT, "  %d of %d chunks still to apply%n", pending, count);
      progress.flush();
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
    }
  }

  private static long messageCount(final BenchApp app) throws Exception {
    final JsonNode number = JSON.readTree(app.get("/api/v1/numbers/" + NUMBER).body());
    return number.path("history").path("messages").asLong();
  }

  /** Every thread id, and the cursor of every page of the thread list. */
  private static void collectThreads(
      final BenchApp app, final List<String> threadIds, final List<String> cursors)
      throws Exception {
    String cursor = null;
    do {
      final String path =
          "/api/v1/numbers/"
              + NUMBER
              + "/threads?limit=200"
              + (cursor == null ? "" : "&cursor=" + encode(cursor));
      final JsonNode page = JSON.readTree(ok(app.get(path)).body());
      for (final JsonNode thread : page.path("threads")) {
        threadIds.add(thread.path("id").asText());
      }
      cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").asText() : null;
      if (cursor != null) {
        cursors.add(cursor);
      }
    } while (cursor != null);
    if (threadIds.isEmpty() || cursors.isEmpty()) {
      throw new IllegalStateException("the thread list is empty or a single page");
    }
  }

  private static void time(final BenchApp app, final String path, final Histogram into)
      throws Exception {
    final long started = System.nanoTime();
    final HttpResponse<String> response = app.get(path);
    final long micros = Math.max(1, (System.nanoTime() - started) / 1_000);
    ok(response);
    if (into != null) {
      into.recordValue(micros);
    }
  }

  private static HttpResponse<String> ok(final HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          response.request().uri() + " got HTTP " + response.statusCode() + ": " + response.body());
    }
    return response;
  }

  private static String encode(final String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static Histogram histogram() {
    return new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  }
}
