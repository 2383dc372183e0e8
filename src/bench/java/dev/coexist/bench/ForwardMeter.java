package dev.coexist.bench;

import java.util.OptionalLong;

/** Coexist's CPU and the machine's from construction to {@link #stop()}. */
final class ForwardMeter {
  private final CoexistChildServer server;
  private final OptionalLong serverStart;
  private final CpuClock.MachineTicks machineStart = CpuClock.MachineTicks.read();
  private final long started = System.nanoTime();

  ForwardMeter(final CoexistChildServer server) {
    this.server = server;
    this.serverStart = server.cpuNanos();
  }

  ForwardSteps.Usage stop() {
    final OptionalLong serverEnd = server.cpuNanos();
    final double busy = CpuClock.MachineTicks.read().busySince(machineStart);
    final double elapsed = (System.nanoTime() - started) / 1e9;
    return new ForwardSteps.Usage(
        serverStart.isPresent() && serverEnd.isPresent()
            ? (serverEnd.getAsLong() - serverStart.getAsLong()) / 1e9 / elapsed
            : Double.NaN,
        busy < 0 ? Double.NaN : busy);
  }
}
