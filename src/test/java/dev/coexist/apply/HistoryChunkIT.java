package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.store.MessageSource;
import dev.coexist.store.MessageView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A history chunk's threads are resolved to customers together (one look-up per identity kind, one
 * statement creating the new customers) and its messages upserted in one batch: the store must be
 * what applying its threads one at a time gives, whatever identities the threads share.
 */
class HistoryChunkIT {
  private static final String PHONE_ONE = "4915110000001";
  private static final String PHONE_TWO = "4915110000002";
  private static final String PHONE_THREE = "4915110000003";
  private static final String USER_ONE = "DE.1100000000000001";
  private static final String USER_THREE = "DE.1100000000000003";

  // threads that share identities: the second and third name the same user id, the fourth is the
  // first customer again, the sixth shares the fifth's user id
  private static final List<String> THREADS =
      List.of(
          thread("{\"id\":\"" + PHONE_ONE + "\"", "a"),
          thread("{\"context\":{\"user_id\":\"" + USER_ONE + "\",\"username\":\"one\"}", "b"),
          thread(
              "{\"id\":\"" + PHONE_TWO + "\",\"context\":{\"user_id\":\"" + USER_ONE + "\"}", "c"),
          thread("{\"id\":\"" + PHONE_ONE + "\"", "d"),
          thread(
              "{\"id\":\"" + PHONE_THREE + "\",\"context\":{\"user_id\":\"" + USER_THREE + "\"}",
              "e"),
          thread("{\"context\":{\"user_id\":\"" + USER_THREE + "\"}", "f"));

  private static final String CUSTOMERS =
      """
      SELECT customer_key, phone, user_id, username FROM customers ORDER BY customer_key
      """;

  private static final String IDENTITIES =
      """
      SELECT i.kind, i.value, c.customer_key
        FROM customer_identities i JOIN customers c ON c.id = i.customer_id
       ORDER BY i.kind, i.value
      """;

  private static final String MESSAGES =
      """
      SELECT m.wamid, c.customer_key, m.status
        FROM messages m JOIN customers c ON c.id = m.thread_id ORDER BY m.wamid
      """;

  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void customersOfOneChunkAreThoseOfItsThreadsAppliedOneByOne(final Engine engine)
      throws Exception {
    final List<List<Object>> customers;
    final List<List<Object>> identities;
    final List<List<Object>> messages;
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("one-by-one"))) {
      for (int index = 0; index < THREADS.size(); index++) {
        final long id = store.applyJson(chunk(index + 1, List.of(THREADS.get(index))));
        assertThat(store.journalState(id)).isEqualTo("applied");
      }
      customers = store.rows(CUSTOMERS);
      identities = store.rows(IDENTITIES);
      messages = store.rows(MESSAGES);
    }
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("together"))) {
      final long id = store.applyJson(chunk(1, THREADS));
      assertThat(store.journalState(id)).isEqualTo("applied");
      assertThat(store.count("journal_problems")).isZero();
      assertThat(store.rows(CUSTOMERS)).isEqualTo(customers);
      assertThat(store.rows(IDENTITIES)).isEqualTo(identities);
      assertThat(store.rows(MESSAGES)).isEqualTo(messages);
    }
    // and what that is: three customers, the shared user id linking the second phone
    assertThat(customers)
        .containsExactly(
            Arrays.asList("phone:" + PHONE_ONE, PHONE_ONE, null, null),
            Arrays.asList("phone:" + PHONE_THREE, PHONE_THREE, USER_THREE, null),
            Arrays.asList("user_id:" + USER_ONE, PHONE_TWO, USER_ONE, "one"));
    assertThat(identities).hasSize(5);
    assertThat(messages)
        .extracting(row -> row.get(1))
        .containsExactly(
            "phone:" + PHONE_ONE,
            "user_id:" + USER_ONE,
            "user_id:" + USER_ONE,
            "phone:" + PHONE_ONE,
            "phone:" + PHONE_THREE,
            "phone:" + PHONE_THREE);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aWamidRepeatedInOneChunkIsOneMessageAndTheChunkApplies(final Engine engine)
      throws Exception {
    final String repeated =
        """
        {"id":"%s","messages":[
          {"from":"%s","id":"wamid.repeated","timestamp":"1739000001","type":"text",
           "text":{"body":"twice"},"history_context":{"status":"DELIVERED"}},
          {"from":"%s","id":"wamid.repeated","timestamp":"1739000001","type":"text",
           "text":{"body":"twice"},"history_context":{"status":"READ"}}]}"""
            .formatted(PHONE_ONE, PHONE_ONE, PHONE_ONE);
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final long id = store.applyJson(chunk(1, List.of(repeated, THREADS.get(3))));
      assertThat(store.journalState(id)).isEqualTo("applied");
      assertThat(store.count("journal_problems")).isZero();
      assertThat(store.rows(MESSAGES))
          .containsExactly(
              List.of("wamid.d", "phone:" + PHONE_ONE, "read"),
              List.of("wamid.repeated", "phone:" + PHONE_ONE, "read"));
    }
  }

  /** A thread (its JSON object up to the messages) with one inbound message wamid.{name}. */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aBigChunkWrittenInPartsWhileDeliveriesArriveEndsAsItsOneTransactionWould(final Engine engine)
      throws Exception {
    final byte[] chunk = ChunkBodies.chunk(1, 1, 50, 20, 50); // 1,000 messages
    final String whole;
    final long wholeTransactions;
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("quiet"))) {
      final long id = store.append(chunk);
      Thread.sleep(250); // no delivery within the processor's ingest window: one transaction
      store.processor.drain();
      assertThat(store.journalState(id)).isEqualTo("applied");
      wholeTransactions = transactions(store);
      whole = StoreDump.of(store);
    }
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("busy"))) {
      final long id = store.append(chunk);
      store.processor.drain(); // right after a journal commit: deliveries are arriving
      assertThat(store.journalState(id)).isEqualTo("applied");
      // SQLite: 20 threads of 50 are three parts of 250 messages, then the chunk's own
      // transaction. PostgreSQL's writers do not take turns, and the processors of other lanes
      // apply their entries meanwhile: the chunk stays one transaction.
      assertThat(transactions(store))
          .isEqualTo(wholeTransactions + (engine == Engine.SQLITE ? 3 : 0));
      assertThat(store.count("messages")).isEqualTo(1_000);
      assertThat(StoreDump.of(store)).isEqualTo(whole);
    }
  }

  /**
   * A backlog of history chunks applied on SQLite while no deliveries arrive goes several chunks to
   * a transaction (ProcessorSettings.quietMessagesPerTransaction); on PostgreSQL each chunk keeps
   * its own. Both store what the chunks applied one at a time do.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aBacklogAppliedWhileNothingArrivesGoesSeveralChunksToATransaction(final Engine engine)
      throws Exception {
    final List<byte[]> chunks = new ArrayList<>();
    for (int order = 1; order <= 8; order++) {
      chunks.add(ChunkBodies.chunk(1, order, order * 12, 20, 50)); // 1,000 messages each
    }
    final String oneByOne;
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("one-by-one"))) {
      for (final byte[] chunk : chunks) {
        store.append(chunk);
        store.processor.drain();
      }
      oneByOne = StoreDump.of(store);
    }
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("backlog"))) {
      for (final byte[] chunk : chunks) {
        store.append(chunk);
      }
      Thread.sleep(250); // no delivery within the processor's ingest window
      store.processor.drain();
      // the harness's transactions hold 5,000 messages, four times that while it is quiet; a
      // read holds one chunk unless it is quiet
      assertThat(transactions(store)).isEqualTo(engine == Engine.SQLITE ? 1 : chunks.size());
      assertThat(store.count("messages")).isEqualTo(8_000);
      assertThat(StoreDump.of(store)).isEqualTo(oneByOne);
    }
  }

  /**
   * On PostgreSQL a chunk's messages are first written with a plain insert in a savepoint (an
   * upsert costs about twice as much there), and with the upsert when one is stored already. Both
   * ways must store what the upsert alone does; the transaction ids of the rows show which way was
   * taken: rows written inside a savepoint carry the savepoint's own transaction id, not the one
   * that marked the entry applied.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aChunkOfNewMessagesIsInsertedAndOneOverlappingStoredMessagesIsMerged(final Engine engine)
      throws Exception {
    // chunk 2, thread 1, message 1: the business's answer, typed in the app and echoed first
    final String echoed = "wamid.gen.0.2.1.1";
    final String customer = "16500002001";
    final String echo =
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{
         "field":"smb_message_echoes","value":{"messaging_product":"whatsapp",
         "metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},
         "message_echoes":[{"from":"15550001111","to":"%s","id":"%s","timestamp":"1739020001",
          "type":"text","text":{"body":"Message number 1 of this generated conversation"}}]}}]}]}
        """
            .formatted(StoreHarness.NUMBER, customer, echoed);
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(echo);
      final long fresh = store.append(ChunkBodies.chunk(0, 1, 10, 5, 20)); // 100 new messages
      final long overlapping = store.append(ChunkBodies.chunk(0, 2, 20, 5, 20)); // one echoed
      store.processor.drain();
      assertThat(store.journalState(fresh)).isEqualTo("applied");
      assertThat(store.journalState(overlapping)).isEqualTo("applied");
      assertThat(store.count("journal_problems")).isZero();
      assertThat(store.count("messages")).isEqualTo(200);

      final MessageView merged = store.message(echoed).message();
      assertThat(merged.sources())
          .containsExactlyInAnyOrder(MessageSource.ECHO, MessageSource.HISTORY);
      assertThat(merged.direction()).isEqualTo("outbound");
      assertThat(merged.status()).isEqualTo("read"); // from the chunk's history_context
      assertThat(
              store.rows(
                  "SELECT count(*) FROM messages m JOIN customers c ON c.id = m.thread_id"
                      + " WHERE c.phone = ?",
                  customer))
          .containsExactly(List.of("20"));

      if (engine == Engine.POSTGRESQL) {
        // messages written by the (sub)transaction that created their customer's identity
        final String writtenWithTheirCustomer =
            """
            SELECT count(*) FROM messages m
              JOIN customer_identities i ON i.customer_id = m.thread_id AND i.kind = 'phone'
             WHERE m.wamid LIKE ? AND m.xmin = i.xmin
            """;
        assertThat(store.rows(writtenWithTheirCustomer, "wamid.gen.0.1.%"))
            .as("the new chunk's messages were inserted in a savepoint of their own")
            .containsExactly(List.of("0"));
        // the echo created the customer of thread 1: its 20 messages are not counted
        assertThat(store.rows(writtenWithTheirCustomer, "wamid.gen.0.2.%"))
            .as("the overlapping chunk's messages were upserted after the insert was rolled back")
            .containsExactly(List.of("80"));
      }
    }
  }

  /**
   * On SQLite a big chunk's messages go 50 rows to a statement, the rest one by one. A wamid
   * repeated within one statement, across two, and among the rest, and a chunk whose messages need
   * every column (a media message) or only some: the store must be what applying each message in a
   * chunk of its own gives.
   */
  @ParameterizedTest
  @CsvSource({"SQLITE,false", "SQLITE,true", "POSTGRESQL,false", "POSTGRESQL,true"})
  void aChunkWrittenManyRowsAtATimeStoresWhatOneMessageAtATimeDoes(
      final Engine engine, final boolean withMedia) throws Exception {
    final List<String> messages = new ArrayList<>();
    for (int index = 0; index < 123; index++) {
      messages.add(manyRowsMessage(index, withMedia));
    }
    final List<List<Object>> oneByOne;
    final List<List<Object>> oneByOneThreads;
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("one-by-one"))) {
      for (int index = 0; index < messages.size(); index++) {
        final long id =
            store.applyJson(chunk(index + 1, List.of(manyRowsThread(messages.get(index)))));
        assertThat(store.journalState(id)).isEqualTo("applied");
      }
      oneByOne = store.rows(MESSAGE_ROWS);
      oneByOneThreads = store.rows(THREAD_ROWS);
    }
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("together"))) {
      final long id =
          store.applyJson(chunk(1, List.of(manyRowsThread(String.join(",", messages)))));
      assertThat(store.journalState(id)).isEqualTo("applied");
      assertThat(store.count("journal_problems")).isZero();
      assertThat(store.rows(MESSAGE_ROWS)).isEqualTo(oneByOne);
      assertThat(store.rows(THREAD_ROWS)).isEqualTo(oneByOneThreads);
    }
    // 123 items, three of them repeats: 120 messages, each repeat merged into its first arrival
    assertThat(oneByOne).hasSize(120);
    final List<Object> repeated =
        oneByOne.stream().filter(row -> row.get(0).equals("wamid.many.10")).findFirst().get();
    assertThat(repeated.subList(0, 3)).containsExactly("wamid.many.10", "inbound", "read");
    if (withMedia) {
      assertThat(oneByOne)
          .anySatisfy(row -> assertThat(row).contains("wamid.many.20", "media.20", "photo 20"));
    }
  }

  private static final String MESSAGE_ROWS =
      """
      SELECT wamid, direction, status, sources, type, content, text_original, text, sent_at,
             reply_to_wamid, media_id, media_mime_type, media_sha256, media_caption,
             media_filename, media_placeholder, history_status, status_rank, status_at, errors
        FROM messages ORDER BY wamid
      """;

  private static final String THREAD_ROWS =
      """
      SELECT message_count, inbound_count, outbound_count, unread_count, last_message_at,
             last_outbound_at, last_message_wamid, last_direction, last_preview
        FROM threads ORDER BY id
      """;

  /**
   * Item {@code index} of the 123 of aChunkWrittenManyRowsAtATimeStoresWhatOneMessageAtATimeDoes:
   * items 7, 60 and 121 repeat the wamids of 3, 10 and 110 with a later status; 20 is an image when
   * {@code withMedia}, 30 a media placeholder, 40 a reply to 39.
   */
  private static String manyRowsMessage(final int index, final boolean withMedia) {
    final int wamid =
        switch (index) {
          case 7 -> 3;
          case 60 -> 10;
          case 121 -> 110;
          default -> index;
        };
    final boolean repeat = wamid != index;
    final String from = wamid % 2 == 1 ? "15550001111" : PHONE_ONE;
    final String content;
    if (index == 20 && withMedia) {
      content =
          """
          "type":"image","image":{"id":"media.20","mime_type":"image/jpeg","sha256":"c2hh",          "caption":"photo 20"}""";
    } else if (index == 30) {
      content = "\"type\":\"media_placeholder\"";
    } else {
      content = "\"type\":\"text\",\"text\":{\"body\":\"message %d\"}".formatted(wamid);
    }
    return """
        {"from":"%s","id":"wamid.many.%d","timestamp":"%d",%s%s,        "history_context":{"status":"%s"}}"""
        .formatted(
            from,
            wamid,
            1739001000L + wamid,
            content,
            index == 40 ? ",\"context\":{\"id\":\"wamid.many.39\"}" : "",
            repeat ? "READ" : "DELIVERED");
  }

  private static String manyRowsThread(final String messages) {
    return "{\"id\":\"" + PHONE_ONE + "\",\"messages\":[" + messages + "]}";
  }

  private static long transactions(final StoreHarness store) {
    return store.meters.get("coexist.store.transaction").timer().count();
  }

  private static String thread(final String start, final String name) {
    return start
        + """
        ,"messages":[{"from":"%s","id":"wamid.%s","timestamp":"17390000%02d","type":"text",
        "text":{"body":"message %s"},"history_context":{"status":"READ"}}]}"""
            .formatted(PHONE_ONE, name, name.charAt(0) - 'a', name);
  }

  private static String chunk(final int order, final List<String> threads) {
    final List<String> all = new ArrayList<>(threads);
    return """
        {"id":"chunk-%d-%d","event":"history","data":{"id":"102290129340398",
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111",
        "phone_number_id":"%s"},"history":[{"metadata":{"phase":0,"chunk_order":%d,
        "progress":10},"threads":[%s]}]}}"""
        .formatted(order, all.hashCode(), StoreHarness.NUMBER, order, String.join(",", all));
  }
}
