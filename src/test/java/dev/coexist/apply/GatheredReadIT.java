package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Live deliveries of many numbers are read together and applied in one transaction ({@link
 * GatheredRead}): each lane's position moves past exactly its own entries, a read stops at the
 * budget, and a big entry at a lane's head is left out, with the lane's later entries, for a turn
 * of its own.
 */
class GatheredReadIT {
  @TempDir Path folder;

  private static String number(final int index) {
    return "1065403523" + (10_000 + index);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void liveDeliveriesOfManyNumbersShareOneTransaction(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final Map<Integer, Long> lastOfLane = new HashMap<>();
      for (int round = 0; round < 2; round++) {
        for (int index = 0; index < 40; index++) {
          final long id =
              store.append(LanesIT.live(number(index), "wamid.GATHER." + index + "." + round));
          lastOfLane.put(Lanes.ofNumber(number(index), Partitioning.DEFAULT), id);
        }
      }
      assertThat(lastOfLane).as("the numbers' lanes").hasSizeGreaterThan(20);

      assertThat(store.processor.drain()).isEqualTo(80);

      assertThat(transactions(store)).as("80 entries of many lanes, one transaction").isEqualTo(1);
      assertThat(store.count("messages")).isEqualTo(80);
      for (final Map.Entry<Integer, Long> lane : lastOfLane.entrySet()) {
        assertThat(position(store, lane.getKey()))
            .as("lane %d's position", lane.getKey())
            .isEqualTo(lane.getValue());
      }

      // 300 more: reads of at most 128 entries each (ProcessorSettings.entriesPerGatheredRead)
      for (int round = 2; round < 7; round++) {
        for (int index = 0; index < 60; index++) {
          store.append(LanesIT.live(number(index), "wamid.GATHER." + index + "." + round));
        }
      }
      assertThat(store.processor.drain()).isEqualTo(300);
      assertThat(transactions(store)).as("128 + 128 + 44").isEqualTo(4);
      assertThat(store.count("messages")).isEqualTo(380);
      assertThat(store.rows("SELECT count(*) FROM entry_outcomes WHERE state = 'applied'"))
          .containsExactly(List.of("380"));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aBigEntryAtALanesHeadTakesATurnOfItsOwnAndItsLaneKeepsItsOrder(final Engine engine)
      throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      final String big = StoreHarness.NUMBER;
      final int bigLane = Lanes.ofNumber(big, Partitioning.DEFAULT);
      // bigger than ProcessorSettings.claimBytes: a turn of its own
      store.appendJson(Payloads.live("wamid.BIG", 1_740_000_100, "x".repeat(40_000)));
      store.appendJson(Payloads.live("wamid.AFTER-BIG", 1_740_000_101, "after the big one"));
      int others = 0;
      for (int index = 0; index < 30; index++) {
        if (Lanes.ofNumber(number(index), Partitioning.DEFAULT) != bigLane) {
          store.append(LanesIT.live(number(index), "wamid.OTHER." + index));
          others++;
        }
      }

      store.processor.drain();

      assertThat(store.rows("SELECT count(*) FROM entry_outcomes WHERE state = 'applied'"))
          .containsExactly(List.of(Integer.toString(2 + others)));
      // the others in one transaction, the big lane's two in one of its own
      assertThat(transactions(store)).isEqualTo(2);
      final List<List<Object>> order =
          store.rows(
              """
              SELECT data FROM changes
               WHERE type = 'message.created' AND phone_number_id = ?
               ORDER BY seq
              """,
              big);
      assertThat(order).hasSize(2);
      assertThat((String) order.get(0).get(0)).contains("wamid.BIG");
      assertThat((String) order.get(1).get(0)).contains("wamid.AFTER-BIG");
    }
  }

  private static long transactions(final StoreHarness store) {
    return store.meters.get("coexist.store.transaction").timer().count();
  }

  private static long position(final StoreHarness store, final int lane) throws Exception {
    return Long.parseLong(
        (String)
            store
                .rows("SELECT applied_up_to FROM processor_lanes WHERE lane = ?", lane)
                .get(0)
                .get(0));
  }
}
