package dev.coexist.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code coexist -V}: the version and the commit the build was made from, which the build writes to
 * {@code coexist-build.properties} (see pom.xml); "development" when the classes were compiled
 * without it (an IDE).
 */
final class VersionProvider implements CommandLine.IVersionProvider {
  static final String RESOURCE = "/coexist-build.properties";

  @Override
  public String[] getVersion() {
    final Properties build = build();
    final String version = build.getProperty("version");
    if (version == null) {
      return new String[] {"coexist development (no build information)"};
    }
    return new String[] {
      "coexist " + version + " (commit " + build.getProperty("commit", "unknown") + ")",
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
    };
  }

  static Properties build() {
    final Properties build = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
    return build;
  }
}
