package dev.coexist.cli;

import picocli.CommandLine.Command;

/** {@code coexist journal}: the raw journal, on the database directly. */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Work with the journal of raw deliveries on the database directly.",
    subcommands = {JournalExportCommand.class})
public final class JournalCommand {}
