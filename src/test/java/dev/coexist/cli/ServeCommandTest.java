package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir Path folder;

  private record Run(int exitCode, String out, String err) {}

  private static Run run(final String... args) {
    final CommandLine commandLine = CoexistCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    final int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryOptionWithItsVariable() {
    final Run help = run("serve", "--help");
    assertThat(help.exitCode()).isZero();
    for (final ConfigKey key : ConfigKey.values()) {
      assertThat(help.out()).contains(key.option()).contains(key.environmentVariable());
    }
  }

  @Test
  void rootHelpNamesTheCommands() {
    final Run help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("serve");
  }

  @Test
  void anInvalidOptionStopsStartUpNamingTheKey() {
    final Run serve = run("serve", "--port", "eighty");
    assertThat(serve.exitCode()).isEqualTo(ServeCommand.EXIT_BAD_CONFIG);
    assertThat(serve.err())
        .contains(
            "coexist: invalid configuration: --port (COEXIST_PORT): must be a whole number, was 'eighty'");
  }

  @Test
  void aPublicBindWithoutAuthenticationIsRefused() {
    final Run serve = run("serve", "--bind", "0.0.0.0", "--data-dir", folder.toString());
    assertThat(serve.exitCode()).isEqualTo(ServeCommand.EXIT_BAD_CONFIG);
    assertThat(serve.err()).contains("--bind (COEXIST_BIND): binding 0.0.0.0 (not loopback)");
  }

  @Test
  void theConfigFileIsReadAndCommandLineWins() throws Exception {
    final Path file = folder.resolve("coexist.properties");
    Files.writeString(file, "port=9999\nmax-body=1MB\n");
    final CommandLine commandLine = CoexistCommand.commandLine();
    final CommandLine serve = commandLine.getSubcommands().get("serve");
    commandLine.parseArgs("serve", "--config", file.toString(), "--port", "7777");
    final var values =
        ConfigOptions.resolve(serve.getCommandSpec(), Map.of("COEXIST_MAX_BODY", "2MB"));
    assertThat(values.get(ConfigKey.PORT)).containsExactly("7777");
    assertThat(values.get(ConfigKey.MAX_BODY)).containsExactly("2MB");
  }

  @Test
  void anUnknownKeyInTheConfigFileIsNamed() throws Exception {
    final Path file = folder.resolve("coexist.properties");
    Files.writeString(file, "prot=9999\n");
    final Run serve = run("serve", "--config", file.toString());
    assertThat(serve.exitCode()).isEqualTo(ServeCommand.EXIT_BAD_CONFIG);
    assertThat(serve.err()).contains("unknown key 'prot'");
  }
}
