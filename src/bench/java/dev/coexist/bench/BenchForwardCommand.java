package dev.coexist.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coexist bench forward}: outbound webhooks. The changes live deliveries make are forwarded
 * to subscriptions whose receiver runs in this JVM and checks every signature: the events/s one and
 * ten subscriptions get, commit → received at a live rate, and a receiver outage (everything
 * delivered, each thread in order, and how long the catch-up takes).
 */
@Command(
    name = "forward",
    mixinStandardHelpOptions = true,
    description = {
      "Measure outbound webhooks end to end: live deliveries (echoes, inbound messages, statuses)"
          + " make message.created changes, which a fresh 'coexist serve --allow-private-targets"
          + " true' per step forwards to subscriptions whose receiver, on loopback in this JVM,"
          + " verifies every signature and answers 200.",
      "Parts: ceiling (the receiver fed directly at full speed), throughput (--backlog events"
          + " made while the subscriptions are paused, then drained, for each of --subscriptions),"
          + " latency (commit -> received at each of --rates, one subscription), outage (the"
          + " receiver answers 503 for --outage at --outage-rate: everything delivered, per-thread"
          + " order, catch-up time).",
      "Exit code 0 when every step ran, whether its target was met or not (the report says);"
          + " 1 when a server could not be started."
    })
public final class BenchForwardCommand implements Callable<Integer> {

  /** The engines a run covers. */
  enum EngineChoice {
    sqlite,
    postgresql,
    both
  }

  /** What a run measures. */
  enum Part {
    ceiling,
    throughput,
    latency,
    outage
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--engine",
      defaultValue = "sqlite",
      description = "Engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  EngineChoice engine;

  @Option(
      names = "--postgresql",
      paramLabel = "JDBC_URL",
      description =
          "A PostgreSQL whose user may create databases (jdbc:postgresql://host/db?user=..);"
              + " default: an embedded one started for the run.")
  String postgresql;

  @Option(
      names = "--parts",
      split = ",",
      paramLabel = "PART",
      description = "What to measure: ${COMPLETION-CANDIDATES} (default: all).")
  Set<Part> parts = EnumSet.allOf(Part.class);

  @Option(
      names = "--subscriptions",
      split = ",",
      paramLabel = "COUNT",
      description = "Subscriptions of each throughput step (default: 1,10).")
  List<Integer> subscriptions = new ArrayList<>(List.of(1, 10));

  @Option(
      names = "--backlog",
      defaultValue = "120000",
      description =
          "Events a throughput step delivers, summed over its subscriptions"
              + " (default: ${DEFAULT-VALUE}).")
  long backlog;

  @Option(
      names = "--fill-rate",
      defaultValue = "4000",
      description =
          "Deliveries/s that make a throughput step's backlog while its subscriptions are paused"
              + " (default: ${DEFAULT-VALUE}).")
  double fillRate;

  @Option(
      names = "--drain-limit",
      converter = DurationConverter.class,
      defaultValue = "10m",
      description =
          "The longest a throughput step waits for its backlog (default: ${DEFAULT-VALUE}).")
  Duration drainLimit;

  @Option(
      names = "--rates",
      split = ",",
      paramLabel = "PER_SECOND",
      description = "Deliveries/s of the latency steps, one subscription each (default: 1000).")
  List<Double> rates = new ArrayList<>(List.of(1_000.0));

  @Option(
      names = "--window",
      converter = DurationConverter.class,
      defaultValue = "60s",
      description =
          "How long a latency step's load runs, and the outage step's load before the outage and"
              + " after it (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--outage",
      converter = DurationConverter.class,
      defaultValue = "5m",
      description = "How long the receiver answers 503 (default: ${DEFAULT-VALUE}).")
  Duration outage;

  @Option(
      names = "--outage-rate",
      defaultValue = "200",
      description = "Deliveries/s during the outage step (default: ${DEFAULT-VALUE}).")
  double outageRate;

  @Option(
      names = "--catch-up-limit",
      converter = DurationConverter.class,
      defaultValue = "10m",
      description =
          "The longest the outage step waits for every event after the receiver came back (a"
              + " subscription back from an outage of over a minute has its waiting retries"
              + " brought forward; a shorter one waits for them, 5 s or 5 min)"
              + " (default: ${DEFAULT-VALUE}).")
  Duration catchUpLimit;

  @Option(
      names = "--ceiling-connections",
      defaultValue = "64",
      description =
          "Keep-alive connections that feed the receiver directly for its ceiling"
              + " (default: ${DEFAULT-VALUE}).")
  int ceilingConnections;

  @Option(
      names = "--connections",
      defaultValue = "200",
      description = "Keep-alive connections the deliveries go over (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--numbers",
      defaultValue = "200",
      description =
          "Phone numbers (phone_number_id) the deliveries spread over, 10 threads each"
              + " (default: ${DEFAULT-VALUE}).")
  int numbers;

  @Option(
      names = "--server-jvm-option",
      paramLabel = "OPTION",
      description = "JVM option for the started Coexist, repeatable (e.g. -Xmx2g).")
  List<String> serverJvmOptions = new ArrayList<>();

  @Option(
      names = "--keep-data",
      description = "Keep the started Coexist's data directories and logs (default: removed).")
  boolean keepData;

  /** The ceiling's window: long enough for a steady figure, short next to the steps. */
  static final Duration LONGEST_CEILING = Duration.ofSeconds(10);

  @Override
  public Integer call() throws InterruptedException {
    validate();
    final PrintWriter out = spec.commandLine().getOut();
    final String nonce = RunHeader.nonce();
    final LiveDeliveries deliveries = new LiveDeliveries(nonce, numbers);
    header(out, deliveries, nonce);
    ReceiverCeiling.Outcome ceiling = null;
    final List<ForwardReport.EngineRun> runs = new ArrayList<>();
    BenchPostgres postgres = null;
    try {
      if (parts.contains(Part.ceiling)) {
        ceiling =
            ReceiverCeiling.run(
                window.compareTo(LONGEST_CEILING) < 0 ? window : LONGEST_CEILING,
                ceilingConnections);
        ForwardReport.ceiling(out, ceiling);
      }
      if (engine != EngineChoice.postgresql) {
        runs.add(
            runEngine(
                out,
                "sqlite",
                new ForwardSteps.Setup(
                    deliveries,
                    connections,
                    serverJvmOptions,
                    keepData,
                    null,
                    "SQLite in a fresh temp dir")));
      }
      if (engine != EngineChoice.sqlite) {
        postgres = BenchPostgres.start(postgresql);
        out.println("PostgreSQL: " + postgres.description());
        out.flush();
        runs.add(
            runEngine(
                out,
                "postgresql",
                new ForwardSteps.Setup(
                    deliveries,
                    connections,
                    serverJvmOptions,
                    keepData,
                    postgres,
                    postgres.description() + ", a new database per step")));
      }
    } catch (IOException | SQLException e) {
      // a server that does not start is a failed benchmark, not a crash: say why, exit 1
      spec.commandLine().getErr().println("bench forward failed: " + e.getMessage());
      return 1;
    } finally {
      if (postgres != null) {
        try {
          postgres.close();
        } catch (IOException e) {
          spec.commandLine().getErr().println("could not stop PostgreSQL: " + e.getMessage());
        }
      }
    }
    for (final ForwardReport.EngineRun run : runs) {
      if (!run.throughput().isEmpty()) {
        ForwardReport.throughput(out, run, ceiling);
      }
    }
    if (runs.stream().anyMatch(run -> !run.latency().isEmpty())) {
      ForwardReport.latency(out, runs);
    }
    for (final ForwardReport.EngineRun run : runs) {
      if (run.outage().isPresent()) {
        ForwardReport.outage(out, run);
      }
    }
    return 0;
  }

  private ForwardReport.EngineRun runEngine(
      final PrintWriter out, final String name, final ForwardSteps.Setup setup)
      throws IOException, InterruptedException, SQLException {
    final List<ForwardSteps.Throughput> throughput = new ArrayList<>();
    if (parts.contains(Part.throughput)) {
      for (final int count : new TreeSet<>(subscriptions)) {
        final ForwardSteps.Throughput step =
            ForwardSteps.throughput(setup, count, backlog, fillRate, drainLimit);
        ForwardReport.step(out, name, step);
        throughput.add(step);
      }
    }
    final List<ForwardSteps.Latency> latency = new ArrayList<>();
    if (parts.contains(Part.latency)) {
      for (final double rate : new TreeSet<>(rates)) {
        final ForwardSteps.Latency step = ForwardSteps.latency(setup, rate, window);
        ForwardReport.step(out, name, step);
        latency.add(step);
      }
    }
    Optional<ForwardSteps.Outage> outageStep = Optional.empty();
    if (parts.contains(Part.outage)) {
      final ForwardSteps.Outage step =
          ForwardSteps.outage(setup, outageRate, window, outage, catchUpLimit);
      ForwardReport.step(out, name, step);
      outageStep = Optional.of(step);
    }
    return new ForwardReport.EngineRun(
        name, setup.storage(), List.copyOf(throughput), List.copyOf(latency), outageStep);
  }

  private void validate() {
    if (window.compareTo(Duration.ofSeconds(5)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
      throw new ParameterException(spec.commandLine(), "--window must be within [5s, 1h]");
    }
    if (parts.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--parts must name at least one part");
    }
    if (subscriptions.isEmpty() || subscriptions.stream().anyMatch(n -> n < 1 || n > 100)) {
      throw new ParameterException(spec.commandLine(), "--subscriptions must be within 1..100");
    }
    if (backlog < 100 || backlog > 10_000_000) {
      throw new ParameterException(spec.commandLine(), "--backlog must be within 100..10,000,000");
    }
    if (fillRate < 1 || fillRate > 100_000) {
      throw new ParameterException(spec.commandLine(), "--fill-rate must be within 1..100,000/s");
    }
    if (drainLimit.compareTo(Duration.ofSeconds(10)) < 0
        || drainLimit.compareTo(Duration.ofHours(24)) > 0) {
      throw new ParameterException(spec.commandLine(), "--drain-limit must be within [10s, 24h]");
    }
    if (rates.isEmpty() || rates.stream().anyMatch(rate -> rate < 1 || rate > 100_000)) {
      throw new ParameterException(spec.commandLine(), "--rates must be within 1..100,000/s");
    }
    if (outage.compareTo(Duration.ofSeconds(1)) < 0 || outage.compareTo(Duration.ofHours(2)) > 0) {
      throw new ParameterException(spec.commandLine(), "--outage must be within [1s, 2h]");
    }
    if (outageRate < 1 || outageRate > 10_000) {
      throw new ParameterException(spec.commandLine(), "--outage-rate must be within 1..10,000/s");
    }
    if (catchUpLimit.compareTo(Duration.ofSeconds(10)) < 0
        || catchUpLimit.compareTo(Duration.ofHours(24)) > 0) {
      throw new ParameterException(
          spec.commandLine(), "--catch-up-limit must be within [10s, 24h]");
    }
    if (ceilingConnections < 1 || ceilingConnections > 1_024) {
      throw new ParameterException(
          spec.commandLine(), "--ceiling-connections must be within 1..1024");
    }
    if (connections < 1 || connections > 4_096) {
      throw new ParameterException(spec.commandLine(), "--connections must be within 1..4096");
    }
    if (numbers < 1 || numbers > 999) {
      throw new ParameterException(spec.commandLine(), "--numbers must be within 1..999");
    }
    if (postgresql != null && engine == EngineChoice.sqlite) {
      throw new ParameterException(spec.commandLine(), "--postgresql is for --engine postgresql");
    }
  }

  private void header(final PrintWriter out, final LiveDeliveries deliveries, final String nonce) {
    RunHeader.top(out, "forward", spec);
    out.printf(
        Locale.ROOT,
        "Load: echoes, inbound messages and statuses in turn, %d numbers x %d customers (threads),"
            + " %s-%s bytes, POST /webhooks/whatsapp over %d keep-alive connections, open loop; two"
            + " of three make a message.created; subscriptions to [\"message.created\"], a fresh"
            + " coexist serve --allow-private-targets true per step; run id %s%n",
        deliveries.numbers(),
        LiveDeliveries.CUSTOMERS_PER_NUMBER,
        Report.number(deliveries.minLength()),
        Report.number(deliveries.maxLength()),
        connections,
        nonce);
    out.printf(
        Locale.ROOT,
        "Receiver: keep-alive HTTP/1.1 on 127.0.0.1 in this JVM, a virtual thread per connection;"
            + " checks webhook-signature (HMAC-SHA256 of id.timestamp.body) and webhook-timestamp"
            + " (+-%d s) of every request, records webhook-id, data.thread_id, timestamp and"
            + " arrival time, answers 200 (503 during the outage)%n",
        WebhookReceiver.TOLERANCE_SECONDS);
    out.printf(
        Locale.ROOT,
        "Parts: %s; throughput: %s events per step for %s subscription(s), made at %s"
            + " deliveries/s, drain limit %s s; latency: %s deliveries/s for %s s; outage: %s s at"
            + " %s deliveries/s, catch-up limit %s s%n",
        String.join(",", parts.stream().map(Enum::name).toList()),
        Report.number(backlog),
        String.join(",", new TreeSet<>(subscriptions).stream().map(String::valueOf).toList()),
        Report.number(fillRate),
        Report.number(drainLimit.toSeconds()),
        String.join(",", new TreeSet<>(rates).stream().map(Report::number).toList()),
        Report.number(window.toMillis() / 1_000.0),
        Report.number(outage.toMillis() / 1_000.0),
        Report.number(outageRate),
        Report.number(catchUpLimit.toSeconds()));
    out.println();
    out.flush();
  }
}
