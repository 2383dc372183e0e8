package dev.coexist.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The Coexist nodes of a cluster benchmark: {@code coexist serve} child processes on one
 * PostgreSQL, each with its own data dir and port, the same API key, started one after the other
 * (the first migrates the schema). Their counters are read from {@code /metrics} and summed.
 */
final class ClusterNodes implements AutoCloseable {
  static final String API_KEY = "bench-cluster-api-key";

  /** The counters that tell wasted work, summed over the nodes. */
  record Counters(
      long applied, long failed, long decodes, long undoneBig, long undoneSmall, long lanesBusy) {

    /** What was counted since {@code earlier}. */
    Counters minus(final Counters earlier) {
      return new Counters(
          applied - earlier.applied,
          failed - earlier.failed,
          decodes - earlier.decodes,
          undoneBig - earlier.undoneBig,
          undoneSmall - earlier.undoneSmall,
          lanesBusy - earlier.lanesBusy);
    }
  }

  private final List<CoexistChildServer> nodes;
  private final HttpClient client = HttpClient.newHttpClient();

  private ClusterNodes(final List<CoexistChildServer> nodes) {
    this.nodes = nodes;
  }

  static ClusterNodes start(
      final int count,
      final String databaseUrl,
      final Duration leaseTimeout,
      final List<String> jvmOptions,
      final String storage)
      throws IOException {
    final List<CoexistChildServer> started = new ArrayList<>();
    try {
      for (int node = 0; node < count; node++) {
        started.add(
            CoexistChildServer.start(
                jvmOptions,
                false,
                List.of(
                    "--database",
                    databaseUrl,
                    "--api-key",
                    API_KEY,
                    "--lease-timeout",
                    leaseTimeout.toSeconds() + "s",
                    // the nodes share this machine's cores: the README's setting for that (at the
                    // default nice each node's apply gives way to every node's acknowledgements)
                    "--apply-nice",
                    "0"),
                storage));
      }
    } catch (IOException | RuntimeException failed) {
      started.forEach(CoexistChildServer::close);
      throw failed;
    }
    return new ClusterNodes(started);
  }

  List<CoexistChildServer> all() {
    return nodes;
  }

  CoexistChildServer get(final int node) {
    return nodes.get(node);
  }

  List<LoopbackEndpoint> endpoints() {
    return nodes.stream().map(CoexistChildServer::endpoint).toList();
  }

  /** CPU of every node's process so far, nanoseconds. */
  long cpuNanos() {
    long total = 0;
    for (final CoexistChildServer node : nodes) {
      final OptionalLong cpu = node.cpuNanos();
      total += cpu.orElse(0);
    }
    return total;
  }

  /** The counters of every node, summed (a node that does not answer counts nothing). */
  Counters counters() throws InterruptedException {
    long applied = 0;
    long failed = 0;
    long decodes = 0;
    long undoneBig = 0;
    long undoneSmall = 0;
    long lanesBusy = 0;
    for (final CoexistChildServer node : nodes) {
      final PrometheusText metrics = metrics(node);
      applied += metrics.sum("coexist_store_entries_total", "outcome=\"applied\"");
      failed += metrics.sum("coexist_store_entries_total", "outcome=\"failed\"");
      decodes += metrics.sum("coexist_store_decodes_total", "");
      undoneBig += metrics.sum("coexist_store_undone_total", "size=\"big\"");
      undoneSmall += metrics.sum("coexist_store_undone_total", "size=\"small\"");
      lanesBusy += metrics.sum("coexist_store_lanes_busy_total", "");
    }
    return new Counters(applied, failed, decodes, undoneBig, undoneSmall, lanesBusy);
  }

  private PrometheusText metrics(final CoexistChildServer node) throws InterruptedException {
    try {
      final HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(node.endpoint().baseUrl() + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new PrometheusText(response.statusCode() == 200 ? response.body() : "");
    } catch (IOException gone) {
      return new PrometheusText("");
    }
  }

  /** Whether {@code GET /api/v1/messages/{wamid}} on the node finds the message. */
  boolean visible(final int node, final String wamid) throws InterruptedException {
    try {
      return client
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              nodes.get(node).endpoint().baseUrl() + "/api/v1/messages/" + wamid))
                      .header("Authorization", "Bearer " + API_KEY)
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException notNow) {
      return false;
    }
  }

  /** CPU of every PostgreSQL process on this machine (the embedded server and its backends). */
  static long postgresCpuNanos() {
    return ProcessHandle.allProcesses()
        .filter(
            handle -> handle.info().command().map(path -> path.endsWith("/postgres")).orElse(false))
        .flatMap(handle -> Stream.of(handle.info().totalCpuDuration()))
        .mapToLong(cpu -> cpu.map(Duration::toNanos).orElse(0L))
        .sum();
  }

  @Override
  public void close() {
    for (final CoexistChildServer node : nodes) {
      node.close();
    }
  }
}
