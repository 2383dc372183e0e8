package dev.coexist.bench;

import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How long the partitions of a node that dies (SIGKILL) or freezes (SIGSTOP) take to apply again on
 * another node: a message is posted to node 0 for every partition the node held, right after the
 * signal, and timed until {@code GET /api/v1/messages/{wamid}} on node 0 finds them all.
 */
final class Failover {
  /**
   * @param killed from SIGKILL of node 1 until the messages of every partition it held were visible
   * @param frozen the same for SIGSTOP of node 2 (woken with SIGCONT afterwards)
   */
  record Times(Duration killed, int killedLanes, Duration frozen, int frozenLanes) {}

  private static final Duration LIMIT = Duration.ofSeconds(90);

  private Failover() {}

  static Times measure(final ClusterNodes nodes, final String databaseUrl)
      throws IOException, InterruptedException, SQLException {
    final List<String> numbers = numberPerLane();
    prime(nodes, numbers, "prime-1");
    final List<Integer> killedLanes = lanesOf(databaseUrl, nodes.get(1).pid());
    signal(nodes.get(1).pid(), "KILL");
    final Duration killed = timeUntilVisible(nodes, numbers, killedLanes, "killed");
    prime(nodes, numbers, "prime-2");
    final List<Integer> frozenLanes = lanesOf(databaseUrl, nodes.get(2).pid());
    signal(nodes.get(2).pid(), "STOP");
    final Duration frozen;
    try {
      frozen = timeUntilVisible(nodes, numbers, frozenLanes, "frozen");
    } finally {
      signal(nodes.get(2).pid(), "CONT");
    }
    return new Times(killed, killedLanes.size(), frozen, frozenLanes.size());
  }

  // a phone number id for each of the journal's partitions
  private static List<String> numberPerLane() {
    final String[] byLane = new String[Partitioning.DEFAULT];
    int found = 0;
    for (long candidate = 109_800_000_000_000L; found < byLane.length; candidate++) {
      final String number = Long.toString(candidate);
      final int lane = Lanes.ofNumber(number, Partitioning.DEFAULT);
      if (byLane[lane] == null) {
        byLane[lane] = number;
        found++;
      }
    }
    return List.of(byLane);
  }

  // a message in every partition, so that the nodes hold leases on them when the signal comes
  private static void prime(final ClusterNodes nodes, final List<String> numbers, final String tag)
      throws IOException, InterruptedException {
    final List<Integer> all = new ArrayList<>();
    for (int lane = 0; lane < numbers.size(); lane++) {
      all.add(lane);
    }
    post(nodes, numbers, all, tag);
    final long deadline = System.nanoTime() + LIMIT.toNanos();
    for (final int lane : all) {
      while (!nodes.visible(0, wamid(tag, lane)) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
  }

  private static Duration timeUntilVisible(
      final ClusterNodes nodes,
      final List<String> numbers,
      final List<Integer> lanes,
      final String tag)
      throws IOException, InterruptedException {
    final long signalled = System.nanoTime();
    post(nodes, numbers, lanes, tag);
    final long deadline = signalled + LIMIT.toNanos();
    for (final int lane : lanes) {
      while (!nodes.visible(0, wamid(tag, lane))) {
        if (System.nanoTime() > deadline) {
          return LIMIT;
        }
        Thread.sleep(20);
      }
    }
    return Duration.ofNanos(System.nanoTime() - signalled);
  }

  private static void post(
      final ClusterNodes nodes,
      final List<String> numbers,
      final List<Integer> lanes,
      final String tag)
      throws IOException {
    final LoopbackEndpoint endpoint = nodes.get(0).endpoint();
    final byte[] head = endpoint.postHeadPrefix("/webhooks/whatsapp");
    try (HttpConnection connection = new HttpConnection(endpoint.address(), 30_000)) {
      for (final int lane : lanes) {
        final byte[] body = message(numbers.get(lane), wamid(tag, lane));
        final int status = connection.post(head, body, body.length);
        if (status != 200) {
          throw new IOException("node 0 answered " + status + " to a failover probe");
        }
      }
    }
  }

  private static String wamid(final String tag, final int lane) {
    return "wamid.FAILOVER." + tag + "." + lane;
  }

  private static byte[] message(final String number, final String wamid) {
    return WebhookPayloads.metaEnvelope(
            number,
            "messages",
            "\"contacts\":[{\"profile\":{\"name\":\"Probe\"},\"wa_id\":\"447700900001\"}],"
                + "\"messages\":[{\"from\":\"447700900001\",\"id\":\""
                + wamid
                + "\",\"timestamp\":\"1739321024\",\"type\":\"text\",\"text\":{\"body\":\"probe\"}}]")
        .getBytes(StandardCharsets.UTF_8);
  }

  // the live lanes (the partitions) a node (by pid, the start of its owner name) holds a running
  // lease on: the probes are live messages
  private static List<Integer> lanesOf(final String databaseUrl, final long pid)
      throws SQLException {
    final List<Integer> lanes = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(databaseUrl);
        PreparedStatement select =
            connection.prepareStatement(
                """
                SELECT lane FROM processor_lanes
                 WHERE owner LIKE ? AND lane < ?
                   AND lease_until > CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)
                """)) {
      select.setString(1, pid + "@%");
      select.setInt(2, Partitioning.DEFAULT);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          lanes.add(rows.getInt(1));
        }
      }
    }
    return lanes;
  }

  private static void signal(final long pid, final String signal)
      throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
  }
}
