package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A customer's profile name is the newest one its messages carried (by message time; between two of
 * the same time, the greater), whatever order the messages arrive in and however they are grouped
 * in transactions: the apply skips an update it knows would change nothing (see {@link
 * Customers#profileName}), never one that would.
 */
class ProfileNamesIT {
  @TempDir Path folder;

  private static String message(final String wamid, final long timestamp, final String name) {
    return Payloads.meta(
        "messages",
        """
        "contacts":[{"profile":{"name":"%s"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"%s","timestamp":"%d","type":"text",
        "text":{"body":"hi"}}]"""
            .formatted(name, wamid, timestamp));
  }

  private static final List<String> DELIVERIES =
      List.of(
          message("wamid.name-1", 1_740_000_100, "First"),
          message("wamid.name-2", 1_740_000_090, "Older"),
          message("wamid.name-3", 1_740_000_120, "Newest"),
          message("wamid.name-4", 1_740_000_120, "Newest"),
          message("wamid.name-5", 1_740_000_110, "Between"),
          message("wamid.name-6", 1_740_000_120, "Same time, greater"),
          message("wamid.name-7", 1_740_000_120, "Newest"));

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theNewestProfileNameWinsOneByOneAndInOneGo(final Engine engine) throws Exception {
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("one-by-one"))) {
      for (final String delivery : DELIVERIES) {
        store.applyJson(delivery);
      }
      assertThat(name(store)).isEqualTo("Same time, greater");
    }
    try (StoreHarness store = StoreHarness.open(engine, folder.resolve("in-one-go"))) {
      for (final String delivery : DELIVERIES) {
        store.appendJson(delivery);
      }
      store.processor.drain();
      assertThat(name(store)).isEqualTo("Same time, greater");
      // a newer name later, in a transaction of its own, after the session knew the older one
      store.applyJson(message("wamid.name-8", 1_740_000_130, "Renamed"));
      assertThat(name(store)).isEqualTo("Renamed");
      store.applyJson(message("wamid.name-9", 1_740_000_125, "Late"));
      assertThat(name(store)).isEqualTo("Renamed");
    }
  }

  private static String name(final StoreHarness store) throws Exception {
    return (String)
        store
            .rows("SELECT profile_name FROM customers WHERE phone = ?", StoreHarness.PABLO)
            .get(0)
            .get(0);
  }
}
