package dev.coexist.cli.bench;

import picocli.CommandLine;

/** TEMPORARY until the lead's CLI root registers BenchCommand; delete before handing back. */
final class TemporaryBenchMain {
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }
}
