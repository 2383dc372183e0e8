package dev.coexist.bench;

import java.util.OptionalLong;

/** A Coexist that is already running ({@code --url}): not started, not stopped, CPU not seen. */
record ExternalServer(LoopbackEndpoint endpoint) implements BenchServer {

  @Override
  public OptionalLong cpuNanos() {
    return OptionalLong.empty();
  }

  @Override
  public String description() {
    return "already running Coexist at " + endpoint.baseUrl();
  }

  @Override
  public void close() {
    // not ours to stop
  }
}
