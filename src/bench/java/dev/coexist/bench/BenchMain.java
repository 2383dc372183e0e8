package dev.coexist.bench;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;

/**
 * The benchmarks' entry point, {@code ./coexist bench ...}: the harness lives in its own source set
 * (src/bench/java), compiled with the tests and never part of the service's jar.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(final String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(new CommandLine(new BenchCommand()).setCommandName("coexist bench").execute(args));
  }
}
