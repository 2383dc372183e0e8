package dev.coexist.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.config.ConfigKey;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Lanes;
import dev.coexist.journal.Partitioning;
import dev.coexist.store.LaneStates;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's lanes as an operator sees them: {@code GET /api/v1/partitions} names the processor
 * holding each lane, its lease and epoch, its position and what waits; readiness says when a node
 * holds no lane while work waits in a lane nobody holds.
 */
class PartitionsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "ops-key";
  private static final String NUMBER = "106540352242922";

  @TempDir Path dataDir;

  @Test
  void thePartitionsShowWhoHoldsEachLaneHowFarItIsAppliedAndWhatWaits() throws Exception {
    final OpenApiContract contract = OpenApiContract.fromClasspath();
    try (RunningApp coexist = RunningApp.start(dataDir, Map.of(ConfigKey.API_KEY, KEY))) {
      final byte[] body;
      try (InputStream in = getClass().getResourceAsStream("/fixtures/meta/messages-text.json")) {
        body = in.readAllBytes();
      }
      assertThat(coexist.post("/webhooks/whatsapp", body).statusCode()).isEqualTo(200);
      final int lane = Lanes.ofNumber(NUMBER, Partitioning.DEFAULT);
      JsonNode partition = null;
      final Instant deadline = Instant.now().plusSeconds(20);
      while (Instant.now().isBefore(deadline)) {
        final HttpResponse<String> response =
            coexist.get("/api/v1/partitions", "Authorization", "Bearer " + KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(contract.violations("/api/v1/partitions", "get", 200, response.body()))
            .isEmpty();
        final JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("items")).hasSize(2 * Partitioning.DEFAULT);
        assertThat(answer.get("count").asInt()).isEqualTo(Partitioning.DEFAULT);
        assertThat(answer.get("waiting_before_change").asLong()).isZero();
        partition = answer.get("items").get(lane);
        if (partition.get("applied_up_to").asLong() > 0) {
          assertThat(answer.get("processors").get(0).asText())
              .isEqualTo(partition.get("owner").asText());
          break;
        }
        Thread.sleep(50);
      }
      assertThat(partition.get("partition").asInt()).isEqualTo(lane);
      assertThat(partition.get("this_node").asBoolean()).isTrue();
      assertThat(partition.get("leased").asBoolean()).isTrue();
      assertThat(partition.get("epoch").asLong()).isPositive();
      assertThat(partition.get("pending").asLong()).isZero();
      assertThat(partition.get("oldest_pending_at").isNull()).isTrue();

      assertThat(coexist.get("/api/v1/partitions").statusCode()).isEqualTo(401);
      assertThat(coexist.get("/metrics").body())
          .contains("coexist_lane_pending{lane=\"" + lane + "\"}")
          .contains("coexist_lane_leased{lane=\"" + lane + "\"}");
    }
  }

  @Test
  void aNodeHoldingNoLaneWhileWorkWaitsInALaneNobodyHoldsIsToldWhy() throws Exception {
    final String url = Engines.url(Engine.SQLITE, dataDir);
    try (dev.coexist.db.Storage storage =
            dev.coexist.db.Storage.open(url, Duration.ofSeconds(5), 2);
        Journal journal =
            new Journal(
                storage.journal(), 64, Duration.ZERO, 64L << 20, new SimpleMeterRegistry())) {
      final Database store = storage.store();
      final LaneStates lanes = new LaneStates(store, new SimpleMeterRegistry());
      final byte[] body;
      try (InputStream in = getClass().getResourceAsStream("/fixtures/meta/messages-text.json")) {
        body = in.readAllBytes();
      }
      final String sha =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      journal
          .append(
              new Delivery(
                  System.currentTimeMillis() - 60_000, "whatsapp", "{}", body, sha, null, null))
          .join();

      // no processor runs: the entry waits, unheld
      final Optional<String> idle =
          LaneStates.idleWhileWorkWaits(
              lanes.lanes(), Set.of("me"), Duration.ofSeconds(30), Instant.now());
      assertThat(idle).isPresent();
      assertThat(idle.get())
          .contains("lane " + Lanes.ofNumber(NUMBER, Partitioning.DEFAULT))
          .contains("this node holds no lane");
      assertThat(
              LaneStates.idleWhileWorkWaits(
                  lanes.lanes(), Set.of("me"), Duration.ofMinutes(5), Instant.now()))
          .as("not waited long enough")
          .isEmpty();

      // the node holds a lane (any): it is at work, and the waiting lane is its turn to come
      try (Connection connection = store.openWriterConnection();
          PreparedStatement lease =
              connection.prepareStatement(
                  "UPDATE processor_lanes SET owner = 'me', epoch = epoch + 1, lease_until = ?"
                      + " WHERE lane = ?")) {
        lease.setLong(1, System.currentTimeMillis() + 60_000);
        lease.setInt(2, (Lanes.ofNumber(NUMBER, Partitioning.DEFAULT) + 1) % Partitioning.DEFAULT);
        lease.executeUpdate();
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
      }
      assertThat(
              LaneStates.idleWhileWorkWaits(
                  lanes.lanes(), Set.of("me"), Duration.ofSeconds(30), Instant.now()))
          .isEmpty();
    }
  }
}
