package dev.coexist.apply;

import dev.coexist.db.Storage;
import dev.coexist.journal.Partitioning;
import dev.coexist.store.PartitioningState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Changing how many lanes the journal has, on a live store: the store gets a row per lane first,
 * then the journal counts new entries into the new lanes from its next entry on (see {@link
 * Partitioning}). Refused while entries of the change before still wait: the rule that keeps a
 * number's order across a change covers one change at a time.
 */
public final class Repartitioning {
  private static final String LANE_ROW =
      "INSERT INTO processor_lanes (lane, taken_at) VALUES (?, 0) ON CONFLICT (lane) DO NOTHING";

  /** What a change came to. */
  public sealed interface Result {
    /** The journal counts new entries into {@code now.partitions()} lanes. */
    record Changed(Partitioning now) implements Result {}

    /** The count already was the one asked for. */
    record Unchanged(Partitioning now) implements Result {}

    /** The last change is still being applied: {@code waiting} entries from before it wait. */
    record StillApplying(Partitioning now, long waiting) implements Result {}

    /** Another change came in between; read the state again. */
    record Raced() implements Result {}
  }

  private Repartitioning() {}

  /** Changes the count to {@code partitions} (1 to {@link Partitioning#MAX}). */
  public static Result change(final Storage storage, final int partitions) throws SQLException {
    if (partitions < 1 || partitions > Partitioning.MAX) {
      throw new IllegalArgumentException(
          "partitions must be 1 to " + Partitioning.MAX + ", not " + partitions);
    }
    final PartitioningState before = PartitioningState.read(storage.store());
    if (before.partitioning().partitions() == partitions) {
      return new Result.Unchanged(before.partitioning());
    }
    if (before.waitingBeforeChange() > 0) {
      return new Result.StillApplying(before.partitioning(), before.waitingBeforeChange());
    }
    addLaneRows(storage, partitions);
    return Partitioning.change(storage.journal(), partitions, before.partitioning().sinceId())
        .<Result>map(Result.Changed::new)
        .orElseGet(Result.Raced::new);
  }

  // rows for the lanes first: an entry in a lane with no row would never be applied
  private static void addLaneRows(final Storage storage, final int partitions) throws SQLException {
    storage.store().beginWriteTurn(false);
    try (Connection connection = storage.store().openWriterConnection();
        PreparedStatement insert = connection.prepareStatement(LANE_ROW)) {
      for (int lane = 0; lane < 2 * partitions; lane++) { // a live and a history lane each
        insert.setInt(1, lane);
        insert.addBatch();
      }
      insert.executeBatch();
      connection.commit();
    } finally {
      storage.store().endWriteTurn();
    }
  }
}
