package dev.coexist.bench;

/**
 * One scenario's results: Coexist, and the ceiling under the same load (null when skipped).
 *
 * @param settings how long it ran and was warmed up, in words for the report
 */
record ScenarioOutcome(
    Scenario scenario,
    String settings,
    String coexistServer,
    LoadResult coexist,
    String ceilingServer,
    LoadResult ceiling) {

  Verdict verdict() {
    final Verdict figure = scenario.judge().apply(coexist);
    final long failed = coexist.errors() + coexist.non200() + coexist.unsent();
    if (failed == 0 && coexist.duplicates() == 0) {
      return figure;
    }
    // failures are never hidden: a run with any of them does not meet its target
    return Verdict.all(
        figure,
        new Verdict(
            false,
            String.format(
                "%d non-200, %d errors, %d unsent, %d answered as duplicates",
                coexist.non200(), coexist.errors(), coexist.unsent(), coexist.duplicates())));
  }
}
