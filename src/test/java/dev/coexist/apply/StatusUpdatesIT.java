package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL a status that moves a message forward updates its row within its page, without new
 * entries in the table's indexes (a HOT update): no index names the status itself. A status that
 * fails the message changes the column the failed messages' index names, which is no HOT update.
 */
class StatusUpdatesIT {
  private static final String ECHO = "wamid.status-updates-echo";

  @TempDir Path folder;

  @Test
  void statusesMoveAMessageForwardWithoutWritingItsIndexes() throws Exception {
    try (StoreHarness store = StoreHarness.open(Engine.POSTGRESQL, folder)) {
      try (Connection connection = store.database.pool().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE EXTENSION IF NOT EXISTS pageinspect");
      }
      store.applyJson(Payloads.echo(ECHO, 1_740_000_100, "your parcel leaves today"));
      assertThat(heapOnly(store)).as("the row as inserted").isFalse();
      store.applyJson(Payloads.status(ECHO, "sent", 1_740_000_101));
      store.applyJson(Payloads.status(ECHO, "delivered", 1_740_000_102));
      store.applyJson(Payloads.status(ECHO, "read", 1_740_000_103));
      assertThat(store.message(ECHO).message().status()).isEqualTo("read");
      // a heap-only tuple is what a HOT update leaves: reached through the chain, not an index
      assertThat(heapOnly(store)).as("the row after three statuses").isTrue();

      // a failed message changes the column the failed messages' index names: not HOT
      store.applyJson(Payloads.status(ECHO, "failed", 1_740_000_104));
      assertThat(heapOnly(store)).as("the row after it failed").isFalse();
      assertThat(store.rows("SELECT failed FROM messages WHERE wamid = ?", ECHO))
          .extracting(row -> String.valueOf(row.get(0)))
          .containsExactly("1");
    }
  }

  /** Whether the message's current row version is a heap-only tuple (infomask2 0x8000). */
  private static boolean heapOnly(final StoreHarness store) throws Exception {
    final List<List<Object>> rows =
        store.rows(
            """
            SELECT (h.t_infomask2 & 32768) <> 0
              FROM messages m,
                   heap_page_items(get_raw_page('messages', (m.ctid::text::point)[0]::int)) h
             WHERE m.wamid = ? AND h.lp = (m.ctid::text::point)[1]::int
            """,
            ECHO);
    assertThat(rows).hasSize(1);
    return Boolean.parseBoolean(String.valueOf(rows.get(0).get(0)));
  }
}
