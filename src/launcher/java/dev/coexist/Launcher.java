package dev.coexist;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point ({@code java -jar coexist.jar}), compiled for Java 11 so that an older Java
 * than Coexist needs (a machine's default {@code java} is often 17) runs it and says so in one
 * line, instead of failing with {@code UnsupportedClassVersionError}. On a new enough Java it hands
 * over to the command line, {@code dev.coexist.cli.Main}.
 */
public final class Launcher {
  /** The Java Coexist is built for (the pom's {@code maven.compiler.release}). */
  private static final int NEEDED = 21;

  private Launcher() {}

  public static void main(final String[] args) throws Throwable {
    final int running = Runtime.version().feature();
    if (running < NEEDED) {
      System.err.println(
          "coexist: needs Java "
              + NEEDED
              + " or newer, this is Java "
              + running
              + " ("
              + System.getProperty("java.home")
              + "); run it with a newer JDK's bin/java, or with ./coexist, which finds one");
      System.exit(1);
    }
    try {
      // by name: this class is compiled for Java 11, the command line for 21
      Class.forName("dev.coexist.cli.Main")
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException failed) {
      throw failed.getCause();
    }
  }
}
