package dev.coexist.bench;

import picocli.CommandLine.Command;

/** {@code coexist bench}: performance measurements of a Coexist build on this machine. */
@Command(
    name = "bench",
    description = "Measure Coexist's performance on this machine (loopback only).",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchIngestCommand.class,
      BenchStoreCommand.class,
      BenchLiveCommand.class,
      BenchForwardCommand.class,
      BenchClusterCommand.class
    })
public final class BenchCommand {}
