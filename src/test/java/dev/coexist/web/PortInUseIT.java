package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.testing.CoexistProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port someone else holds: one line on stderr, exit status 1, nothing left running. */
class PortInUseIT {
  @TempDir Path folder;

  @Test
  void aPortInUseStopsCoexistWithOneLine() throws Exception {
    try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      final int port = holder.getLocalPort();
      try (CoexistProcess coexist =
          CoexistProcess.start(
              folder,
              0,
              "--port",
              String.valueOf(port),
              "--data-dir",
              folder.resolve("data").toString())) {
        assertThat(coexist.process().waitFor(30, TimeUnit.SECONDS))
            .as("coexist exits by itself")
            .isTrue();
        assertThat(coexist.process().exitValue()).isEqualTo(1);
        assertThat(coexist.stderrText().strip())
            .isEqualTo("coexist: cannot start: port " + port + " on 127.0.0.1 is in use");
        assertThat(coexist.process().descendants()).isEmpty();
        // and the log says nothing of a listener on port -1, nor prints a stack trace
        assertThat(coexist.stdoutText()).doesNotContain("Exception").doesNotContain(":-1");
      }
    }
  }
}
