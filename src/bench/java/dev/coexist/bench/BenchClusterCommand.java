package dev.coexist.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coexist bench cluster}: the same mixed load on one node and on several nodes sharing one
 * PostgreSQL. On a small machine the nodes compete for the same cores, so it measures work rather
 * than speed-up: wasted work (decodes per entry, entries written twice, deadlocks), CPU per 1,000
 * applied deliveries, failover after SIGKILL and SIGSTOP, and ack → visible for the live numbers
 * that share a partition with a history import.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "Measure several Coexist nodes on one PostgreSQL against one node, under the same mixed"
          + " load: live deliveries for many numbers spread over the nodes, and the history"
          + " imports of two numbers that share their partitions with live numbers.",
      "Reports decodes per entry, entries written and rolled back, deadlocks, CPU seconds (every"
          + " node and PostgreSQL) per 1,000 applied deliveries, ack -> visible of the live numbers"
          + " sharing a partition with an import, and, with 3 or more nodes, how long the"
          + " partitions of a node killed (SIGKILL) or frozen (SIGSTOP) take to apply elsewhere.",
      "Exit code 0 when every run ran, whether its targets were met or not (the report says);"
          + " 1 when a server could not be started."
    })
public final class BenchClusterCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--nodes",
      split = ",",
      paramLabel = "N",
      description = "Node counts, one run each (default: 1,3).")
  List<Integer> nodes = new ArrayList<>(List.of(1, 3));

  // On 2 cores three nodes and PostgreSQL leave the apply little CPU beyond ~300/s (at 500/s
  // three nodes fell seconds behind where one node kept up): the default leaves room, so that
  // the run measures the work the nodes do, not how they starve each other.
  @Option(
      names = "--rate",
      defaultValue = "250",
      description = "Live deliveries per second, all nodes together (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--window",
      converter = DurationConverter.class,
      defaultValue = "60s",
      description = "How long the load runs (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--chunks",
      defaultValue = "30",
      description =
          "History chunks per import (200 messages each), spread over the window"
              + " (default: ${DEFAULT-VALUE}).")
  int chunks;

  @Option(
      names = "--numbers",
      defaultValue = "200",
      description = "Phone numbers of the live traffic (default: ${DEFAULT-VALUE}).")
  int numbers;

  @Option(
      names = "--connections",
      defaultValue = "48",
      description = "Keep-alive connections of the live traffic (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--warm-up",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description =
          "How long the same load (other wamids) runs before the measured one; its CPU is"
              + " reported apart (0s: none) (default: ${DEFAULT-VALUE}).")
  Duration warmUp;

  @Option(
      names = "--lease-timeout",
      converter = DurationConverter.class,
      defaultValue = "10s",
      description = "The nodes' --lease-timeout (default: ${DEFAULT-VALUE}).")
  Duration leaseTimeout;

  @Option(
      names = "--postgresql",
      paramLabel = "JDBC_URL",
      description =
          "A PostgreSQL whose user may create databases (jdbc:postgresql://host/db?user=..);"
              + " default: an embedded one started for the run.")
  String postgresql;

  @Option(
      names = "--server-jvm-option",
      paramLabel = "OPTION",
      description = "JVM option for the started nodes, repeatable (e.g. -Xmx1g).")
  List<String> serverJvmOptions = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    validate();
    final PrintWriter out = spec.commandLine().getOut();
    RunHeader.top(out, "cluster", spec);
    final String nonce = RunHeader.nonce();
    final LiveDeliveries deliveries = new LiveDeliveries(nonce, numbers);
    out.printf(
        Locale.ROOT,
        "Load: live echoes, inbound messages and statuses for %d numbers at %s/s over %d"
            + " connections spread over the nodes, and the history imports of live numbers %s"
            + " (%d chunks of 200 messages each over %s s, from the customers that write live),"
            + " whose partitions hold live numbers %s;"
            + " --lease-timeout %s s, --apply-nice 0 (the nodes share the machine's cores); first a"
            + " warm-up of %s s of the same load with other wamids, whose CPU is not counted with"
            + " the measured load's; run id %s%n",
        numbers,
        Report.number(rate),
        connections,
        String.join(", ", ClusterRun.importingNumbers(deliveries)),
        chunks,
        Report.number(window.toSeconds()),
        String.join(
            ", ",
            ClusterRun.sharingNumbers(deliveries, ClusterRun.importingNumbers(deliveries)).stream()
                .sorted()
                .toList()),
        Report.number(leaseTimeout.toSeconds()),
        Report.number(warmUp.toSeconds()),
        nonce);
    out.flush();
    final ClusterRun.Settings settings =
        new ClusterRun.Settings(
            rate, window, connections, chunks, leaseTimeout, List.copyOf(serverJvmOptions), warmUp);
    final LiveDeliveries warmUpDeliveries = new LiveDeliveries(nonce + "w", numbers);
    final List<ClusterRun.Result> results = new ArrayList<>();
    try (BenchPostgres postgres = BenchPostgres.start(postgresql)) {
      out.println("PostgreSQL: " + postgres.description());
      out.flush();
      for (final int count : nodes) {
        final ClusterRun.Result result =
            ClusterRun.run(count, deliveries, warmUpDeliveries, settings, postgres);
        results.add(result);
        ClusterReport.run(out, result);
        out.flush();
      }
    } catch (IOException | SQLException e) {
      spec.commandLine().getErr().println("bench cluster failed: " + e.getMessage());
      return 1;
    }
    ClusterReport.summary(out, results);
    out.flush();
    return 0;
  }

  private void validate() {
    if (nodes.isEmpty() || nodes.stream().anyMatch(count -> count < 1 || count > 8)) {
      throw new ParameterException(spec.commandLine(), "--nodes must be within 1..8");
    }
    if (rate < 1 || rate > 20_000) {
      throw new ParameterException(spec.commandLine(), "--rate must be within 1..20,000/s");
    }
    if (window.compareTo(Duration.ofSeconds(20)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
      // the first 10 s of ack -> visible are a cold JVM's, not timed
      throw new ParameterException(spec.commandLine(), "--window must be within [20s, 1h]");
    }
    if (warmUp.isNegative() || warmUp.compareTo(Duration.ofHours(1)) > 0) {
      throw new ParameterException(spec.commandLine(), "--warm-up must be within [0s, 1h]");
    }
    if (chunks < 1 || chunks > 10_000) {
      throw new ParameterException(spec.commandLine(), "--chunks must be within 1..10,000");
    }
    if (numbers < 2 || numbers > 999) {
      throw new ParameterException(spec.commandLine(), "--numbers must be within 2..999");
    }
    if (connections < 1 || connections > 4_096) {
      throw new ParameterException(spec.commandLine(), "--connections must be within 1..4096");
    }
    if (leaseTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ParameterException(spec.commandLine(), "--lease-timeout must be at least 1s");
    }
  }
}
