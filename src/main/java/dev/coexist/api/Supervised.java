package dev.coexist.api;

import java.util.function.BooleanSupplier;

/**
 * A thread of the service that restarts its own loop after a failure but gives up when the failure
 * recurs (the journal writer, each processor): once it is no longer running, only a restart of the
 * process brings it back, so readiness and liveness both fail.
 *
 * @param name as readiness shows it, e.g. {@code processor-1}
 * @param running false once the thread stopped
 */
public record Supervised(String name, BooleanSupplier running) {}
