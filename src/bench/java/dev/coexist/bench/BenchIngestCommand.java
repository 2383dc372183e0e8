package dev.coexist.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coexist bench ingest}: webhook ingest throughput and latency, next to a {@code return 200}
 * ceiling measured in the same run with the same load.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Load-test webhook ingest (POST /webhooks/...) over loopback and compare it with a trivial"
          + " 'return 200' server (nginx, else a built-in JDK server) under the same load.",
      "By default starts its own 'coexist serve' (fresh data dir, free port) for every scenario.",
      "Scenarios: small-max (closed loop, max acks/s), small-2000 (open loop, 2,000/s),"
          + " history-20 (1 MB history chunks, 20/s); abuse (small-2000 alone, then again while"
          + " 2,000 slowloris connections, 200 unsigned 8 MB uploads and 50 stalled connections"
          + " attack the server; only when named).",
      "Exit code 0 when every run completed, whether its target was met or not (the report says);"
          + " 1 when a server could not be started."
    })
public final class BenchIngestCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BenchIngestCommand.class);

  /** Where the ceiling comes from. */
  enum Ceiling {
    auto,
    nginx,
    jdk,
    none
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      split = ",",
      paramLabel = "NAME",
      description =
          "Scenarios to run, comma separated: ${COMPLETION-CANDIDATES} (default: all but abuse).",
      completionCandidates = ScenarioNames.class)
  List<String> scenarios = new ArrayList<>(Scenarios.DEFAULTS);

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description = "Measured time per scenario and server (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      converter = DurationConverter.class,
      defaultValue = "10s",
      description = "Unmeasured load before each measurement (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "Keep-alive connections for the small scenarios (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--history-connections",
      defaultValue = "32",
      description = "Keep-alive connections for history-20 (default: ${DEFAULT-VALUE}).")
  int historyConnections;

  @Option(
      names = "--small-rate",
      defaultValue = "2000",
      description = "Open-loop rate of small-2000, per second (default: ${DEFAULT-VALUE}).")
  double smallRate;

  @Option(
      names = "--history-rate",
      defaultValue = "20",
      description = "Open-loop rate of history-20, per second (default: ${DEFAULT-VALUE}).")
  double historyRate;

  @Option(
      names = "--abusers-nice",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "With --scenario abuse: the abusers' JVM runs at this nice level, 0-19 (default:"
              + " ${DEFAULT-VALUE}, the same CPU priority as the server and the valid senders; 19"
              + " lets it have only the CPU they leave, as an attacker on another machine would,"
              + " and then it may attack less).")
  int abusersNice;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Target an already running Coexist (http://127.0.0.1:PORT) instead of starting one.")
  String url;

  @Option(
      names = "--header-secret",
      paramLabel = "NAME:VALUE",
      description = "With --url: the header secret the server expects on webhooks.")
  String headerSecret;

  @Option(
      names = "--ceiling",
      defaultValue = "auto",
      description =
          "Ceiling server: ${COMPLETION-CANDIDATES}; auto = nginx if installed, else jdk"
              + " (default: ${DEFAULT-VALUE}).")
  Ceiling ceiling;

  @Option(
      names = "--nginx",
      paramLabel = "PATH",
      defaultValue = "/usr/sbin/nginx",
      description = "The nginx binary (default: ${DEFAULT-VALUE}).")
  Path nginxBinary;

  @Option(
      names = "--server-jvm-option",
      paramLabel = "OPTION",
      description =
          "JVM option for the started Coexist, repeatable (e.g. -Xmx2g,"
              + " -XX:StartFlightRecording=filename=/tmp/ingest.jfr).")
  List<String> serverJvmOptions = new ArrayList<>();

  @Option(
      names = "--keep-data",
      description = "Keep the started Coexist's data directories (default: removed).")
  boolean keepData;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Also append the Markdown report to this file.")
  Path out;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    try {
      return run();
    } catch (IOException e) {
      // a server that does not start is a failed benchmark, not a crash: say why, exit 1
      spec.commandLine().getErr().println("bench ingest failed: " + e.getMessage());
      return 1;
    }
  }

  private int run() throws IOException, InterruptedException {
    final String nonce = RunHeader.nonce();
    final WebhookPayloads payloads = new WebhookPayloads(nonce);
    final List<Scenario> selected =
        Scenarios.select(
            scenarios, payloads, connections, historyConnections, smallRate, historyRate);
    final Ceiling ceilingUsed = resolveCeiling();
    final AtomicLong sequence = new AtomicLong();
    final StringBuilder report =
        new StringBuilder(
            RunHeader.render(
                // picocli keeps the whole original argument list, from the root command on
                "coexist bench "
                    + String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                nonce,
                ceilingUsed.toString()));
    System.out.print(report);
    System.out.flush();

    final List<ScenarioOutcome> outcomes = new ArrayList<>();
    for (final Scenario scenario : selected) {
      final String coexistServer;
      final LoadResult coexist;
      try (BenchServer server = openCoexist()) {
        coexistServer = server.description();
        coexist = measure(scenario, server, sequence);
      }
      String ceilingServer = null;
      LoadResult ceilingResult = null;
      if (ceilingUsed != Ceiling.none) {
        try (BenchServer server = openCeiling(ceilingUsed)) {
          ceilingServer = server.description();
          ceilingResult = measure(scenario, server, sequence);
        }
      }
      final ScenarioOutcome outcome =
          new ScenarioOutcome(
              scenario, settings(), coexistServer, coexist, ceilingServer, ceilingResult);
      outcomes.add(outcome);
      final String section = Report.scenario(outcome);
      report.append(section);
      System.out.print(section);
      System.out.flush();
    }
    if (scenarios.contains(Scenarios.ABUSE)) {
      final String section = abuse(payloads, sequence);
      report.append(section);
      System.out.print(section);
      System.out.flush();
    }
    if (!outcomes.isEmpty()) {
      final String summary = Report.summary(outcomes);
      report.append(summary).append('\n');
      System.out.println(summary);
    }
    if (out != null) {
      Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      LOG.info("report appended to {}", out.toAbsolutePath());
    }
    return 0;
  }

  private void validate() {
    final List<String> unknown =
        scenarios.stream().filter(name -> !Scenarios.NAMES.contains(name)).toList();
    if (!unknown.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "unknown scenario " + unknown + "; known: " + Scenarios.NAMES);
    }
    if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(2)) > 0) {
      throw new ParameterException(spec.commandLine(), "--duration must be within (0, 2h]");
    }
    if (warmup.isNegative() || warmup.compareTo(Duration.ofHours(1)) > 0) {
      throw new ParameterException(spec.commandLine(), "--warmup must be within [0, 1h]");
    }
    if (abusersNice < 0 || abusersNice > 19) {
      throw new ParameterException(spec.commandLine(), "--abusers-nice must be within [0, 19]");
    }
    if (url != null && scenarios.contains(Scenarios.ABUSE)) {
      throw new ParameterException(
          spec.commandLine(), "the abuse scenario starts its own servers: drop --url");
    }
    if (headerSecret != null && url == null) {
      throw new ParameterException(
          spec.commandLine(), "--header-secret is for --url; a started server gets its own");
    }
    if (url != null) {
      try {
        LoopbackEndpoint.fromUrl("coexist", url, List.of());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }

  private Ceiling resolveCeiling() {
    if (ceiling == Ceiling.auto) {
      if (NginxCeiling.installed(nginxBinary)) {
        return Ceiling.nginx;
      }
      LOG.warn("{} not found: the ceiling is the built-in JDK server", nginxBinary);
      return Ceiling.jdk;
    }
    if (ceiling == Ceiling.nginx && !NginxCeiling.installed(nginxBinary)) {
      throw new ParameterException(spec.commandLine(), nginxBinary + " is not installed");
    }
    return ceiling;
  }

  private BenchServer openCoexist() throws IOException {
    if (url != null) {
      final List<HeaderSecret> headers =
          headerSecret == null ? List.of() : List.of(HeaderSecret.parse(headerSecret));
      return new ExternalServer(LoopbackEndpoint.fromUrl("coexist", url, headers));
    }
    return CoexistChildServer.start(serverJvmOptions, keepData);
  }

  /** The ceiling gets the same headers as Coexist, so requests are byte for byte alike. */
  private BenchServer openCeiling(Ceiling kind) throws IOException {
    final List<HeaderSecret> headers = List.of(HeaderSecret.random());
    return switch (kind) {
      case nginx -> NginxCeiling.start(nginxBinary, headers);
      case jdk -> JdkCeilingServer.start(headers);
      default -> throw new IllegalStateException("no ceiling server for " + kind);
    };
  }

  private String abuse(WebhookPayloads payloads, AtomicLong sequence)
      throws IOException, InterruptedException {
    final Scenario valid = Scenarios.smallAtRate(payloads.small(), connections, smallRate);
    final AbuseRun.Outcome outcome =
        new AbuseRun(
                valid,
                Abusers.Shape.DEFAULT,
                abusersNice,
                warmup,
                duration,
                serverJvmOptions,
                keepData,
                sequence)
            .run();
    return AbuseReport.render(outcome, valid, settings());
  }

  private LoadResult measure(Scenario scenario, BenchServer server, AtomicLong sequence)
      throws InterruptedException {
    LOG.info(
        "{} against {}: {} s warm-up, then {} s measured",
        scenario.name(),
        server.endpoint().label(),
        warmup.toMillis() / 1_000.0,
        duration.toMillis() / 1_000.0);
    final LoadResult result =
        new LoadGenerator(scenario, server.endpoint(), warmup, duration, server::cpuNanos, sequence)
            .run();
    LOG.info(
        "{} against {}: {} acks/s, p99 {} ms, {} errors, {} non-200",
        scenario.name(),
        result.server(),
        Report.number(result.acksPerSecond()),
        Report.number(result.percentileMillis(99)),
        result.errors(),
        result.non200());
    return result;
  }

  private String settings() {
    return String.format(
        Locale.ROOT,
        "%s s measured after %s s warm-up",
        Report.number(duration.toMillis() / 1_000.0),
        Report.number(warmup.toMillis() / 1_000.0));
  }

  /** For picocli's completion and help text. */
  static final class ScenarioNames extends ArrayList<String> {
    ScenarioNames() {
      super(Scenarios.NAMES);
    }
  }
}
