package dev.coexist.bench;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Model.CommandSpec;

/** The head of a benchmark's report: when, the command, the machine or client, the run id. */
final class RunHeader {

  private RunHeader() {}

  /** A random run id, put in every wamid so that bodies never repeat across runs. */
  static String nonce() {
    final String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    final SecureRandom random = new SecureRandom();
    final StringBuilder out = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /**
   * The first lines of a benchmark's report (but ingest's, see {@link #render}): its name and when,
   * the command as given, the machine and the commit.
   */
  static void top(final PrintWriter out, final String benchmark, final CommandSpec spec) {
    final String command =
        // picocli keeps the whole original argument list, from the root command on
        "coexist bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    out.println(
        "coexist bench " + benchmark + " — " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
    out.println("Command: " + command.trim());
    out.println("Machine: " + BenchMachine.describe());
    out.println("Commit: " + BenchMachine.commit());
  }

  static String render(String command, String nonce, String ceiling) {
    final Runtime runtime = Runtime.getRuntime();
    return "## coexist bench ingest — "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\n\n"
        + "Command: `"
        + command.trim()
        + "`  \n"
        + "Machine: "
        + BenchMachine.describe()
        + "; commit "
        + BenchMachine.commit()
        + "  \n"
        + "Client: Java "
        + System.getProperty("java.version")
        + " ("
        + System.getProperty("java.vm.name")
        + "), "
        + runtime.availableProcessors()
        + " CPUs visible, max heap "
        + runtime.maxMemory() / (1024 * 1024)
        + " MiB; hand-rolled HTTP/1.1 keep-alive client on virtual threads, all over 127.0.0.1"
        + "  \n"
        + "Ceiling: "
        + ceiling
        + "; run id "
        + nonce
        + " (in every wamid, so bodies never repeat across runs)\n\n";
  }
}
