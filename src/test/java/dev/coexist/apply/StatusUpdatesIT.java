package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL a status that moves a message forward updates its row within its page, without new
 * entries in the table's indexes (a HOT update): no index names the status itself. The thread
 * filter of failed messages still finds a message that failed.
 */
class StatusUpdatesIT {
  private static final String ECHO = "wamid.status-updates-echo";

  @TempDir Path folder;

  @Test
  void statusesMoveAMessageForwardWithoutWritingItsIndexes() throws Exception {
    try (StoreHarness store = StoreHarness.open(Engine.POSTGRESQL, folder)) {
      store.applyJson(Payloads.echo(ECHO, 1_740_000_100, "your parcel leaves today"));
      final List<Long> before = updates(store);
      store.applyJson(Payloads.status(ECHO, "sent", 1_740_000_101));
      store.applyJson(Payloads.status(ECHO, "delivered", 1_740_000_102));
      store.applyJson(Payloads.status(ECHO, "read", 1_740_000_103));
      assertThat(store.message(ECHO).message().status()).isEqualTo("read");

      // a failed message changes the column the failed messages' index names: not HOT. A
      // session sends its statistics at the end of a transaction a second after the last time
      Thread.sleep(1_100);
      store.applyJson(Payloads.status(ECHO, "failed", 1_740_000_104));
      List<Long> after = updates(store);
      for (int waited = 0; after.get(0) < before.get(0) + 4 && waited < 200; waited++) {
        Thread.sleep(50);
        after = updates(store);
      }
      assertThat(after.get(0)).as("updates of messages").isEqualTo(before.get(0) + 4);
      assertThat(after.get(1)).as("of which HOT").isEqualTo(before.get(1) + 3);
      assertThat(store.rows("SELECT failed FROM messages WHERE wamid = ?", ECHO))
          .extracting(row -> String.valueOf(row.get(0)))
          .containsExactly("1");
    }
  }

  /** Updates of the messages table so far, and how many of them were HOT. */
  private static List<Long> updates(final StoreHarness store) throws Exception {
    final List<Object> row =
        store
            .rows(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
                    + " WHERE relname = 'messages'")
            .get(0);
    return List.of(
        Long.parseLong(String.valueOf(row.get(0))), Long.parseLong(String.valueOf(row.get(1))));
  }
}
