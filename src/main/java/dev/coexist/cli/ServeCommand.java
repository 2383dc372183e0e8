package dev.coexist.cli;

import dev.coexist.App;
import dev.coexist.config.Config;
import dev.coexist.config.ConfigException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code coexist serve}: runs the service until it is stopped (SIGTERM or Ctrl-C). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Receive webhooks, journal them and serve the API (SQLite under ./data by default).")
public final class ServeCommand implements Callable<Integer> {
  static final int EXIT_BAD_CONFIG = 2;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    final Config config;
    try {
      config = Config.parse(ConfigOptions.resolve(spec, System.getenv()));
    } catch (ConfigException invalid) {
      spec.commandLine()
          .getErr()
          .println("coexist: invalid configuration: " + invalid.getMessage());
      return EXIT_BAD_CONFIG;
    }
    final App app;
    try {
      app = App.start(config);
    } catch (RuntimeException failed) {
      spec.commandLine().getErr().println("coexist: cannot start: " + failed.getMessage());
      return 1;
    }
    final CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("shutdown")
                .unstarted(
                    () -> {
                      app.close();
                      stopped.countDown();
                    }));
    try {
      stopped.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
