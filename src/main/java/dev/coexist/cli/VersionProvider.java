package dev.coexist.cli;

import picocli.CommandLine;

/** The version from the jar manifest, or "development" when running from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    final String version = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {"coexist " + (version == null ? "development" : version)};
  }
}
