package dev.coexist.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coexist bench live}: live deliveries applied end to end. Steps an offered rate up, each
 * step on a fresh Coexist, and finds the highest rate whose journal backlog stays flat; times
 * sampled messages from their 200 until the API shows them at one rate.
 */
@Command(
    name = "live",
    mixinStandardHelpOptions = true,
    description = {
      "Measure live traffic applied end to end: echoes, inbound messages and statuses for many"
          + " numbers posted at fixed rates (a fresh 'coexist serve' per rate), the journal backlog"
          + " read from /metrics every second.",
      "A rate is sustained when every delivery got its 200 and the backlog stayed flat; the report"
          + " gives the highest sustained rate, the applied and ack rates of each step, and ack ->"
          + " visible in GET /api/v1/messages/{wamid} at --latency-rate.",
      "Exit code 0 when every step ran, whether its target was met or not (the report says);"
          + " 1 when a server could not be started."
    })
public final class BenchLiveCommand implements Callable<Integer> {

  static final double SQLITE_TARGET_RATE = 5_000;
  static final double POSTGRESQL_TARGET_RATE = 3_000;

  /** The engines a run covers. */
  enum EngineChoice {
    sqlite,
    postgresql,
    both
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--engine",
      defaultValue = "both",
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
      names = "--window",
      converter = DurationConverter.class,
      defaultValue = "60s",
      description = "How long each rate is offered (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--warm-up",
      converter = DurationConverter.class,
      defaultValue = "20s",
      description =
          "Before each window, the same load (other wamids) for this long, then up to 30 s for"
              + " its backlog to be applied: the window measures a warm server (default:"
              + " ${DEFAULT-VALUE}; 0s: none).")
  Duration warmUp;

  @Option(
      names = "--rates",
      split = ",",
      paramLabel = "PER_SECOND",
      description = "Offered rates, deliveries/s (default: 1000,2000,3000,5000,7000).")
  List<Double> rates = new ArrayList<>(List.of(1_000.0, 2_000.0, 3_000.0, 5_000.0, 7_000.0));

  @Option(
      names = "--latency-rate",
      defaultValue = "2000",
      description =
          "The rate of the step, run after the others, that times ack -> visible (0: none)"
              + " (default: ${DEFAULT-VALUE}).")
  double latencyRate;

  @Option(
      names = "--connections",
      defaultValue = "200",
      description =
          "Keep-alive connections the deliveries go over; enough that a few tens of ms per ack"
              + " still carry 7,000/s (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--numbers",
      defaultValue = "200",
      description =
          "Phone numbers (phone_number_id) the deliveries spread over"
              + " (default: ${DEFAULT-VALUE}).")
  int numbers;

  @Option(
      names = "--server-jvm-option",
      paramLabel = "OPTION",
      description = "JVM option for the started Coexist, repeatable (e.g. -Xmx2g).")
  List<String> serverJvmOptions = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    validate();
    final PrintWriter out = spec.commandLine().getOut();
    final String nonce = nonce();
    final LiveDeliveries deliveries = new LiveDeliveries(nonce, numbers);
    // the same numbers and customers, other wamids: the window's deliveries are all new
    final LiveDeliveries warmUpDeliveries = new LiveDeliveries(nonce + "w", numbers);
    final List<Double> steps = steps();
    header(out, deliveries, steps, nonce);
    final List<LiveReport.EngineRun> runs = new ArrayList<>();
    BenchPostgres postgres = null;
    try {
      if (engine != EngineChoice.postgresql) {
        runs.add(runEngine(out, "sqlite", deliveries, warmUpDeliveries, steps, null));
      }
      if (engine != EngineChoice.sqlite) {
        postgres = BenchPostgres.start(postgresql);
        out.println("PostgreSQL: " + postgres.description());
        out.flush();
        runs.add(runEngine(out, "postgresql", deliveries, warmUpDeliveries, steps, postgres));
      }
    } catch (IOException | SQLException e) {
      // a server that does not start is a failed benchmark, not a crash: say why, exit 1
      spec.commandLine().getErr().println("bench live failed: " + e.getMessage());
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
    for (final LiveReport.EngineRun run : runs) {
      LiveReport.engine(out, run);
    }
    if (latencyRate > 0) {
      LiveReport.latency(out, runs);
    }
    return 0;
  }

  private LiveReport.EngineRun runEngine(
      final PrintWriter out,
      final String name,
      final LiveDeliveries deliveries,
      final LiveDeliveries warmUpDeliveries,
      final List<Double> steps,
      final BenchPostgres postgres)
      throws IOException, InterruptedException, SQLException {
    final List<LiveStep.Outcome> outcomes = new ArrayList<>();
    final String storage = storage(postgres);
    for (final double rate : steps) {
      final LiveStep.Outcome step = step(deliveries, warmUpDeliveries, rate, false, postgres);
      LiveReport.step(out, name, step);
      outcomes.add(step);
    }
    // A step of its own: GET /api/v1/messages/{wamid} costs Coexist a query per number, and
    // polling it cost a rate step its sustained verdict on a two-core machine.
    Optional<LiveStep.Outcome> latency = Optional.empty();
    if (latencyRate > 0) {
      final LiveStep.Outcome step = step(deliveries, warmUpDeliveries, latencyRate, true, postgres);
      LiveReport.step(out, name + " (latency)", step);
      latency = Optional.of(step);
    }
    return new LiveReport.EngineRun(
        name,
        storage,
        postgres == null ? SQLITE_TARGET_RATE : POSTGRESQL_TARGET_RATE,
        List.copyOf(outcomes),
        latency);
  }

  private LiveStep.Outcome step(
      final LiveDeliveries deliveries,
      final LiveDeliveries warmUpDeliveries,
      final double rate,
      final boolean timeLatency,
      final BenchPostgres postgres)
      throws IOException, InterruptedException, SQLException {
    if (postgres != null) {
      postgres.settle();
    }
    return LiveStep.run(
        deliveries,
        warmUpDeliveries,
        rate,
        warmUp,
        window,
        connections,
        timeLatency,
        serverJvmOptions,
        postgres == null ? List.of() : List.of("--database", postgres.newDatabase()),
        storage(postgres));
  }

  private static String storage(final BenchPostgres postgres) {
    return postgres == null
        ? "SQLite in a fresh temp dir"
        : postgres.description()
            + ", a new database per step (the earlier ones dropped, then a CHECKPOINT)";
  }

  /** The rates in ascending order. */
  private List<Double> steps() {
    return List.copyOf(new TreeSet<>(rates));
  }

  private void validate() {
    if (window.compareTo(Duration.ofSeconds(6)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
      // under 6 s the last half holds fewer than three backlog readings
      throw new ParameterException(spec.commandLine(), "--window must be within [6s, 1h]");
    }
    if (warmUp.isNegative() || warmUp.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ParameterException(spec.commandLine(), "--warm-up must be within [0s, 10m]");
    }
    if (rates.isEmpty() || rates.stream().anyMatch(rate -> rate < 1 || rate > 100_000)) {
      throw new ParameterException(spec.commandLine(), "--rates must be within 1..100,000/s");
    }
    if (latencyRate < 0 || latencyRate > 100_000) {
      throw new ParameterException(spec.commandLine(), "--latency-rate must be within 0..100,000");
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

  private void header(
      final PrintWriter out,
      final LiveDeliveries deliveries,
      final List<Double> steps,
      final String nonce) {
    RunHeader.top(out, "live", spec);
    out.printf(
        Locale.ROOT,
        "Load: echoes, inbound messages and statuses in turn (statuses of echoes sent a round"
            + " earlier), %d numbers x %d customers, %s-%s bytes, POST /webhooks/whatsapp over %d"
            + " keep-alive connections, open loop; rates %s/s, %s s each, a fresh coexist serve"
            + " per rate, warmed up first with %s s of the same load (other wamids) and up to"
            + " %s s for its backlog to be applied; backlog and applied entries from /metrics"
            + " every second; run id %s%n",
        deliveries.numbers(),
        LiveDeliveries.CUSTOMERS_PER_NUMBER,
        Report.number(deliveries.minLength()),
        Report.number(deliveries.maxLength()),
        connections,
        String.join(",", steps.stream().map(Report::number).toList()),
        Report.number(window.toMillis() / 1_000.0),
        Report.number(warmUp.toMillis() / 1_000.0),
        Report.number(LiveStep.WARM_UP_DRAIN.toMillis() / 1_000.0),
        nonce);
    out.println();
    out.flush();
  }

  private static String nonce() {
    final String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    final SecureRandom random = new SecureRandom();
    final StringBuilder out = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
