package dev.coexist.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** {@code coexist ARGS} run in the test's JVM, with what it printed. */
final class Cli {
  record Run(int exitCode, String out, String err) {}

  private Cli() {}

  static Run run(final String... args) {
    final CommandLine commandLine = CoexistCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return new Run(commandLine.execute(args), out.toString(), err.toString());
  }
}
