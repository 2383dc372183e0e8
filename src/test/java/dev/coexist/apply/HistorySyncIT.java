package dev.coexist.apply;

import static dev.coexist.apply.StoreHarness.NUMBER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.store.HistorySync;
import dev.coexist.store.HistorySyncState;
import dev.coexist.store.PhaseProgress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** History sync states per number: chunk order, repeats, decline, stall. */
class HistorySyncIT {
  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void notStartedBeforeAnyChunk(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.apply("meta/messages-text.json");
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().state())
          .isEqualTo(HistorySyncState.NOT_STARTED);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void chunksOutOfOrderCompleteOnlyAtProgress100(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.chunk(2, 2, 100, "wamid.h.2.2"));
      HistorySync history = store.queries.numbers().find(NUMBER).orElseThrow().history();
      assertThat(history.state()).isEqualTo(HistorySyncState.COMPLETED);

      store.applyJson(Payloads.chunk(0, 1, 10, "wamid.h.0.1"));
      store.applyJson(Payloads.chunk(1, 2, 60, "wamid.h.1.2"));
      store.applyJson(Payloads.chunk(1, 1, 30, "wamid.h.1.1"));
      history = store.queries.numbers().find(NUMBER).orElseThrow().history();
      assertThat(history.state()).isEqualTo(HistorySyncState.COMPLETED);
      assertThat(history.progress()).isEqualTo(100);
      assertThat(history.phases())
          .containsExactly(
              new PhaseProgress(0, 1, 1, 1),
              new PhaseProgress(1, 2, 2, 2),
              new PhaseProgress(2, 1, 2, 1));
    }
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.chunk(1, 3, 60, "wamid.h.1.3"));
      store.applyJson(Payloads.chunk(0, 1, 10, "wamid.h.0.1"));
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().state())
          .isEqualTo(HistorySyncState.IN_PROGRESS);
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().progress())
          .isEqualTo(60);
      store.applyJson(Payloads.chunk(2, 1, 100, "wamid.h.2.1"));
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().state())
          .isEqualTo(HistorySyncState.COMPLETED);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aRepeatedChunkIsCountedOnce(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final String chunk = Payloads.chunk(1, 4, 40, "wamid.h.1.4");
      store.applyJson(chunk);
      // a redelivery with another body (so the journal does not take it for a duplicate)
      final long again = store.applyJson(chunk + "\n");
      assertThat(store.journalState(again)).isEqualTo("applied");

      final HistorySync history = store.queries.numbers().find(NUMBER).orElseThrow().history();
      assertThat(history.chunks()).isEqualTo(1);
      assertThat(history.messages()).isEqualTo(1);
      assertThat(history.phases()).containsExactly(new PhaseProgress(1, 1, 4, 1));
      assertThat(store.count("messages")).isEqualTo(1);
      assertThat(FixturesApplyIT.threadOf(store, StoreHarness.PABLO).messageCount()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anyHistoryErrorIsADecline(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(
          Payloads.meta(
              "history",
              """
              "history":[{"errors":[{"code":131000,"title":"Something went wrong",
              "error_data":{"details":"sync failed"}}]}]"""));
      final HistorySync history = store.queries.numbers().find(NUMBER).orElseThrow().history();
      assertThat(history.state()).isEqualTo(HistorySyncState.DECLINED);
      assertThat(history.declinedCode()).isEqualTo(131000);
      assertThat(history.declinedDetails()).isEqualTo("sync failed");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void stalledWhenNoChunkArrivesForTheStallTime(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      store.applyJson(Payloads.chunk(0, 1, 10, "wamid.h.0.1"));
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().state())
          .isEqualTo(HistorySyncState.IN_PROGRESS);

      store.clock.advance(Duration.ofMinutes(11));
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().state())
          .isEqualTo(HistorySyncState.STALLED);

      store.applyJson(Payloads.chunk(2, 5, 100, "wamid.h.2.5"));
      assertThat(store.queries.numbers().find(NUMBER).orElseThrow().history().state())
          .isEqualTo(HistorySyncState.COMPLETED);
    }
  }
}
