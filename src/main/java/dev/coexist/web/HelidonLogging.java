package dev.coexist.web;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is taken care of, so that it does not print "There is no Helidon
 * logging implementation on classpath" at every start. Coexist sets logging up itself: {@code
 * cli.Main} sends java.util.logging, which Helidon writes to, to SLF4J and Logback with the rest.
 * Found through {@code META-INF/services}.
 */
public final class HelidonLogging implements LoggingProvider {
  @Override
  public void initialization() {
    // nothing to do: Main installed the java.util.logging bridge before Helidon started
  }

  @Override
  public void runTime() {
    // nothing to configure at run time either
  }
}
