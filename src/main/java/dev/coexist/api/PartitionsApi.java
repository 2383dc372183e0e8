package dev.coexist.api;

import dev.coexist.db.Database;
import dev.coexist.store.LaneStates;
import dev.coexist.store.PartitioningState;
import dev.coexist.web.Replies;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/partitions}: the journal's lanes (its partitions by phone number) with the
 * processor holding each, its lease and epoch, its position, and what waits in it; and the count,
 * with the last change of it (entries after {@code changed_after_entry} apply once the ones before
 * it are applied).
 */
public final class PartitionsApi {
  private final LaneStates lanes;
  private final Database store;
  private final Set<String> ownOwners;
  private final ApiGuard guard;

  /**
   * @param ownOwners this node's processors, marked in the answer
   */
  public PartitionsApi(
      final LaneStates lanes,
      final Database store,
      final Set<String> ownOwners,
      final ApiGuard guard) {
    this.lanes = lanes;
    this.store = store;
    this.ownOwners = Set.copyOf(ownOwners);
    this.guard = guard;
  }

  public void register(final HttpRouting.Builder routing) {
    routing.get("/api/v1/partitions", guard.guarded(List.of(), this::partitions));
  }

  private void partitions(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final Instant now = Instant.now();
    final PartitioningState partitioning = PartitioningState.read(store);
    final List<Map<String, Object>> items = new ArrayList<>();
    for (final LaneStates.Lane lane : lanes.lanes()) {
      final Map<String, Object> item = new LinkedHashMap<>();
      item.put("partition", lane.lane());
      // a partition's second lane, its history chunks' (see Lanes)
      item.put("history", lane.lane() >= partitioning.partitioning().partitions());
      item.put("owner", lane.owner());
      item.put("this_node", lane.owner() != null && ownOwners.contains(lane.owner()));
      item.put("epoch", lane.epoch());
      item.put("leased", lane.leased());
      item.put("lease_until", lane.leaseUntil() == null ? null : lane.leaseUntil().toString());
      item.put("applied_up_to", lane.appliedUpTo());
      item.put("pending", lane.pending());
      item.put(
          "oldest_pending_at",
          lane.oldestPendingAt() == null ? null : lane.oldestPendingAt().toString());
      item.put("oldest_pending_seconds", lane.waited(now).toMillis() / 1000.0);
      items.add(item);
    }
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("count", partitioning.partitioning().partitions());
    body.put("previous_count", partitioning.partitioning().previousPartitions());
    body.put("changed_after_entry", partitioning.partitioning().sinceId());
    body.put("waiting_before_change", partitioning.waitingBeforeChange());
    body.put("processors", ownOwners.stream().sorted().toList());
    body.put("items", items);
    Replies.json(response, Status.OK_200, body);
  }
}
