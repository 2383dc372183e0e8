package dev.coexist.bench;

import java.util.function.Function;

/**
 * One load shape: what is sent where, how (closed loop or a fixed open-loop rate), and the target
 * the result is judged against.
 *
 * @param ratePerSecond 0 for a closed loop (every connection sends its next request as soon as the
 *     previous one is answered), otherwise the open-loop rate over all connections
 * @param target the target in words, as the report prints it
 * @param judge turns the Coexist result into a verdict against the target
 */
record Scenario(
    String name,
    String path,
    PayloadSet payloads,
    int connections,
    double ratePerSecond,
    String target,
    Function<LoadResult, Verdict> judge) {

  Scenario {
    if (connections < 1 || connections > 4_096) {
      throw new IllegalArgumentException("connections must be 1..4096: " + connections);
    }
    if (ratePerSecond < 0 || ratePerSecond > 1_000_000) {
      throw new IllegalArgumentException("rate must be 0..1,000,000/s: " + ratePerSecond);
    }
  }

  boolean openLoop() {
    return ratePerSecond > 0;
  }

  String shape() {
    return openLoop()
        ? String.format(
            "open loop at %s/s over %d connections, latency from the intended send time",
            Report.number(ratePerSecond), connections)
        : String.format("closed loop, %d connections, as fast as possible", connections);
  }
}
