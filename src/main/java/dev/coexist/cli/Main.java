package dev.coexist.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** The command line's entry point: {@code java -jar coexist.jar <command>}. */
public final class Main {
  private Main() {}

  public static void main(final String[] args) {
    // Helidon and others log through java.util.logging: their lines go to SLF4J like ours
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(CoexistCommand.commandLine().execute(args));
  }
}
