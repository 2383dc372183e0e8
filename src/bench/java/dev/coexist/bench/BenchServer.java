package dev.coexist.bench;

import java.util.OptionalLong;

/**
 * A server the load is aimed at: Coexist itself or a ceiling. Closing it stops what was started.
 */
interface BenchServer extends AutoCloseable {

  LoopbackEndpoint endpoint();

  /** CPU time the server has used so far, when it is a process this benchmark can see. */
  OptionalLong cpuNanos();

  /** One line for the report: what ran, how. */
  String description();

  @Override
  void close();
}
