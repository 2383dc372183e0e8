package dev.coexist.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code coexist}: the root command; every job is a subcommand. */
@Command(
    name = "coexist",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "WhatsApp Coexistence webhook receiver and conversation store.",
    footer = {
      "",
      "Benchmarks run from a source checkout, apart from the service: ./coexist bench --help"
    },
    subcommands = {
      ServeCommand.class,
      ReplayCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      JournalCommand.class,
      PartitionsCommand.class,
      SubscriptionsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CoexistCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** The command line with every subcommand and the generated config options in place. */
  public static CommandLine commandLine() {
    final CommandLine commandLine = new CommandLine(new CoexistCommand());
    ConfigOptions.addTo(commandLine.getSubcommands().get("serve").getCommandSpec());
    return commandLine;
  }

  @Override
  public void run() {
    // no subcommand given: show what there is
    spec.commandLine().usage(System.out);
  }
}
