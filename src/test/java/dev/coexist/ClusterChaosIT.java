package dev.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Coexist processes on one PostgreSQL under mixed traffic (messages, echoes, their statuses
 * in order, edits) for many numbers: one node is killed with SIGKILL, another frozen with SIGSTOP
 * and woken later. The frozen node's lanes must apply again on the third node while it sleeps;
 * afterwards every acknowledged delivery is applied exactly once, every thread's figures equal a
 * recount, each number's order holds (every status ends at the last one posted, every edit is on
 * its message), and the woken node committed nothing with the leases it had lost.
 */
class ClusterChaosIT {
  private static final int NUMBERS = 24;
  private static final int CUSTOMERS = 4;
  private static final int CLIENTS = 6;
  private static final String BUSINESS = "15550001111";
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration PAUSE = Duration.ofMillis(15);

  @TempDir Path folder;

  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Map<String, String> editedTexts = new ConcurrentHashMap<>();
  private final Set<String> readEchoes = ConcurrentHashMap.newKeySet();

  @Test
  void killedAndFrozenNodesLoseNothingAndKeepEveryNumbersOrder() throws Exception {
    final String url = Engines.url(Engine.POSTGRESQL, folder);
    final List<Integer> ports = new ArrayList<>();
    final List<CoexistProcess> nodes = new ArrayList<>();
    try {
      for (int node = 0; node < 3; node++) {
        final int port = CoexistProcess.freePort();
        ports.add(port);
        nodes.add(
            CoexistProcess.start(
                folder.resolve("node-" + node),
                0,
                "--port",
                String.valueOf(port),
                "--database",
                url,
                "--lease-timeout",
                LEASE.toSeconds() + "s"));
        nodes.get(node).awaitReady(port); // one at a time: the first migrates the schema
      }
      final CoexistProcess killed = nodes.get(0);
      final CoexistProcess frozen = nodes.get(1);
      final Set<Integer> up = ConcurrentHashMap.newKeySet();
      up.addAll(List.of(0, 1, 2));
      final AtomicBoolean traffic = new AtomicBoolean(true);
      final AtomicInteger sequence = new AtomicInteger();
      try (HttpClient client =
              HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
          Connection store = StoreChecks.connect(url)) {
        final List<Future<?>> workers = new ArrayList<>();
        for (int worker = 0; worker < CLIENTS; worker++) {
          workers.add(
              clients.submit(
                  () -> {
                    while (traffic.get()) {
                      conversation(client, ports, up, sequence.incrementAndGet());
                    }
                    return null;
                  }));
        }
        final Map<Integer, Long> heldWhenFrozen;
        try {
          heldWhenFrozen = chaos(store, killed, frozen, up);
        } finally {
          traffic.set(false); // whatever failed, the clients stop
          for (final Future<?> worker : workers) {
            worker.get();
          }
        }
        StoreChecks.awaitDrained(store, nodes.get(2));

        assertThat(heldWhenFrozen).as("lanes the frozen node held").isNotEmpty();
        for (final Map.Entry<Integer, Long> lane : heldWhenFrozen.entrySet()) {
          assertThat(epochOf(store, lane.getKey()))
              .as("lane %d was taken over while its node slept", lane.getKey())
              .isGreaterThan(lane.getValue());
        }
        StoreChecks.assertEveryAcknowledgedDeliveryAppliedOnce(store, acknowledged);
        StoreChecks.assertThreadFiguresEqualRecount(store, NUMBERS);
        assertOrderKept(store);
        assertThat(frozen.process().isAlive()).as("the woken node runs on").isTrue();
      }
    } finally {
      for (final CoexistProcess node : nodes) {
        if (node.process().isAlive()) {
          signal(node, "CONT");
        }
        node.close();
      }
    }
  }

  /**
   * While the clients post: SIGKILL of one node, SIGSTOP of another; everything acknowledged is
   * applied while it sleeps; SIGCONT, and traffic goes on for a while. The lanes the frozen node
   * held, with their epochs then.
   */
  private Map<Integer, Long> chaos(
      final Connection store,
      final CoexistProcess killed,
      final CoexistProcess frozen,
      final Set<Integer> up)
      throws Exception {
    Thread.sleep(3_000);
    up.remove(0);
    killed.kill();
    Thread.sleep(2_000);
    up.remove(1);
    final Map<Integer, Long> heldWhenFrozen = lanesOf(store, frozen.process().pid());
    signal(frozen, "STOP");
    final Instant frozenAt = Instant.now();
    Thread.sleep(LEASE.toMillis() * 3);
    // while it sleeps, everything acknowledged so far is applied: its lanes moved
    final int sentWhileFrozen = acknowledged.size();
    awaitAllAcknowledgedApplied(store, Duration.ofSeconds(20));
    System.out.printf(
        "cluster chaos: node frozen with %d lanes; %d deliveries acknowledged, all applied"
            + " %.1f s after the freeze%n",
        heldWhenFrozen.size(),
        sentWhileFrozen,
        Duration.between(frozenAt, Instant.now()).toMillis() / 1000.0);
    signal(frozen, "CONT");
    up.add(1);
    Thread.sleep(3_000);
    return heldWhenFrozen;
  }

  /**
   * One round of a customer's conversation, each delivery posted after the one before it was
   * acknowledged, each to a node that is up: the customer's message, the business's answer (an
   * echo), its statuses delivered then read, and an edit of the customer's message.
   */
  private void conversation(
      final HttpClient client, final List<Integer> ports, final Set<Integer> up, final int round)
      throws InterruptedException {
    final String number = "10654035230%04d".formatted(round % NUMBERS);
    final String customer = "1650%07d".formatted(round % (NUMBERS * CUSTOMERS));
    final long at = 1_750_000_000L + round * 10L;
    final String question = "wamid.CHAOS.Q." + round;
    final String answer = "wamid.CHAOS.A." + round;
    final String edited = "Question " + round + ", edited";
    final List<String> bodies =
        List.of(
            envelope(
                "messages",
                number,
                """
                "contacts":[{"profile":{"name":"Customer %s"},"wa_id":"%s"}],\
                "messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text",\
                "text":{"body":"Question %d"}}]"""
                    .formatted(customer, customer, customer, question, at, round)),
            envelope(
                "smb_message_echoes",
                number,
                """
                "message_echoes":[{"from":"%s","to":"%s","id":"%s","timestamp":"%d",\
                "type":"text","text":{"body":"Answer %d"}}]"""
                    .formatted(BUSINESS, customer, answer, at + 1, round)),
            envelope("messages", number, status(answer, "delivered", at + 2, customer)),
            envelope("messages", number, status(answer, "read", at + 3, customer)),
            envelope(
                "messages",
                number,
                """
                "messages":[{"from":"%s","id":"wamid.CHAOS.E.%d","timestamp":"%d","type":"edit",\
                "edit":{"original_message_id":"%s","message":{"type":"text",\
                "text":{"body":"%s"}}}}]"""
                    .formatted(customer, round, at + 4, question, edited)));
    final List<String> keys =
        List.of(question, answer, "status-d-" + answer, "status-r-" + answer, "edit-" + round);
    for (int step = 0; step < bodies.size(); step++) {
      // a few hundred deliveries a second in all: what the one node left up applies with room
      Thread.sleep(PAUSE.toMillis());
      if (!postToAnyNode(client, ports, up, bodies.get(step))) {
        return; // the rest of this conversation is not sent: its order is what is checked
      }
      if (step < 2) {
        acknowledged.add(keys.get(step));
      }
      if (step == 3) {
        readEchoes.add(answer);
      }
      if (step == 4) {
        editedTexts.put(question, edited);
      }
    }
  }

  private static String status(
      final String wamid, final String status, final long at, final String customer) {
    return """
        "statuses":[{"id":"%s","status":"%s","timestamp":"%d","recipient_id":"%s"}]"""
        .formatted(wamid, status, at, customer);
  }

  private static String envelope(final String field, final String number, final String value) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{\
        "field":"%s","value":{"messaging_product":"whatsapp","metadata":{\
        "display_phone_number":"%s","phone_number_id":"%s"},%s}}]}]}"""
        .formatted(field, BUSINESS, number, value);
  }

  // tries the nodes that are up, in turn, until one acknowledges
  private static boolean postToAnyNode(
      final HttpClient client, final List<Integer> ports, final Set<Integer> up, final String body)
      throws InterruptedException {
    for (int attempt = 0; attempt < 6; attempt++) {
      final List<Integer> candidates = new ArrayList<>(up);
      if (candidates.isEmpty()) {
        return false;
      }
      final int node = candidates.get(Math.floorMod(body.hashCode() + attempt, candidates.size()));
      try {
        final HttpResponse<Void> response =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports.get(node) + "/webhooks/whatsapp"))
                    .timeout(Duration.ofSeconds(3))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return true;
        }
      } catch (IOException down) {
        // killed or frozen meanwhile: another node
      }
    }
    return false;
  }

  // every entry journalled so far (traffic goes on meanwhile) is applied within the limit
  private static void awaitAllAcknowledgedApplied(final Connection store, final Duration limit)
      throws Exception {
    final long upTo = StoreChecks.count(store, "SELECT COALESCE(max(id), 0) FROM journal");
    final String waiting =
        """
        SELECT count(*) FROM processor_lanes p JOIN journal j ON j.lane = p.lane
         WHERE j.state = 'pending' AND j.id > p.applied_up_to AND j.id <= %d
        """
            .formatted(upTo);
    final Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      if (StoreChecks.count(store, waiting) == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "entries up to "
            + upTo
            + " still pending "
            + limit.toSeconds()
            + " s later, while a node is frozen: "
            + StoreChecks.count(store, waiting)
            + "\n"
            + dump(
                store,
                """
                SELECT p.lane, p.owner, p.epoch,
                       p.lease_until - CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT),
                       p.applied_up_to,
                       (SELECT count(*) FROM journal j WHERE j.state = 'pending'
                           AND j.lane = p.lane AND j.id > p.applied_up_to)
                  FROM processor_lanes p
                 WHERE EXISTS (SELECT 1 FROM journal j WHERE j.state = 'pending'
                                  AND j.lane = p.lane AND j.id > p.applied_up_to)
                """)
            + dump(
                store,
                """
                SELECT owner, seen_until - CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)
                  FROM processor_nodes
                """)
            + dump(store, "SELECT pid, state, wait_event, left(query, 80) FROM pg_stat_activity"));
  }

  // the rows of a query, one per line, for a failure's message
  private static String dump(final Connection store, final String sql) throws SQLException {
    final StringBuilder text = new StringBuilder();
    try (PreparedStatement select = store.prepareStatement(sql);
        ResultSet rows = select.executeQuery()) {
      final int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        for (int column = 1; column <= columns; column++) {
          text.append(column == 1 ? "" : " | ").append(rows.getString(column));
        }
        text.append('\n');
      }
    }
    return text.append("--\n").toString();
  }

  /** Each number's order: every answer whose read was acknowledged is read, every edit landed. */
  private void assertOrderKept(final Connection store) throws SQLException {
    final List<String> wrong = new ArrayList<>();
    try (PreparedStatement select =
        store.prepareStatement("SELECT status, text FROM messages WHERE wamid = ?")) {
      for (final String answer : readEchoes) {
        select.setString(1, answer);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next() || !"read".equals(row.getString(1))) {
            wrong.add(answer + " is not read");
          }
        }
      }
      for (final Map.Entry<String, String> edit : editedTexts.entrySet()) {
        select.setString(1, edit.getKey());
        try (ResultSet row = select.executeQuery()) {
          if (!row.next() || !edit.getValue().equals(row.getString(2))) {
            wrong.add(edit.getKey() + " does not carry its edit");
          }
        }
      }
    }
    assertThat(readEchoes).as("answers read").hasSizeGreaterThan(50);
    assertThat(wrong).as("numbers whose order was not kept").isEmpty();
  }

  // the lanes a node (by pid, the start of its owner name) holds, with their epochs
  private static Map<Integer, Long> lanesOf(final Connection store, final long pid)
      throws SQLException {
    final Map<Integer, Long> lanes = new HashMap<>();
    try (PreparedStatement select =
        store.prepareStatement(
            """
            SELECT lane, epoch FROM processor_lanes
             WHERE owner LIKE ?
               AND lease_until > CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)
            """)) {
      select.setString(1, pid + "@%");
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          lanes.put(rows.getInt(1), rows.getLong(2));
        }
      }
    }
    return lanes;
  }

  private static long epochOf(final Connection store, final int lane) throws SQLException {
    return StoreChecks.count(store, "SELECT epoch FROM processor_lanes WHERE lane = " + lane);
  }

  private static void signal(final CoexistProcess node, final String signal)
      throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, String.valueOf(node.process().pid()))
        .start()
        .waitFor();
  }
}
