package dev.coexist.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.config.ConfigKey;
import dev.coexist.db.Engine;
import dev.coexist.testing.Engines;
import dev.coexist.testing.RunningApp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 360dialog envelope id that cannot be a deduplication key (a NUL character; 3,000 characters,
 * over PostgreSQL's btree entry limit) posted among good deliveries at the same moment, so that
 * they share group-commit batches: the good ones are all acknowledged and journalled, the bad ones
 * are journalled as rejected and answered 400 with the reason, on both engines alike.
 */
class PoisonDeliveryIT {
  private static final int GOOD = 40;

  @TempDir Path dataDir;

  private static byte[] dialogEnvelope(final String jsonEscapedId) {
    return ("{\"id\":\""
            + jsonEscapedId
            + "\",\"event\":\"message.received\",\"data\":{\"phone_number_id\":\"1065\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void badEnvelopeIdsAreRejectedAndNeverFailOtherDeliveries(final Engine engine) throws Exception {
    try (RunningApp coexist =
        RunningApp.start(
            dataDir,
            Map.of(
                ConfigKey.DATABASE,
                Engines.url(engine, dataDir),
                // a batch stays open this long, so that the concurrent posts share it
                ConfigKey.JOURNAL_BATCH_WAIT,
                "30ms"))) {
      final List<CompletableFuture<HttpResponse<String>>> good = new ArrayList<>();
      final List<CompletableFuture<HttpResponse<String>>> bad = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (int index = 0; index < GOOD / 2; index++) {
          good.add(post(coexist, dialogEnvelope("good-" + round + "-" + index)));
          if (index == GOOD / 4) {
            bad.add(post(coexist, dialogEnvelope("nul-" + round + "\\u0000-end")));
            bad.add(post(coexist, dialogEnvelope("long-" + round + "-" + "x".repeat(3_000))));
          }
        }
      }

      for (final CompletableFuture<HttpResponse<String>> each : good) {
        final HttpResponse<String> response = each.join();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"accepted\"");
      }
      for (int index = 0; index < bad.size(); index++) {
        final HttpResponse<String> response = bad.get(index).join();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body())
            .contains("\"journal_id\"")
            .contains(
                index % 2 == 0
                    ? "envelope id contains a NUL character"
                    : "envelope id has 3007 characters, more than 512");
      }

      // the writer goes on, and readiness never turned
      assertThat(coexist.post("/webhooks/360dialog", dialogEnvelope("after")).statusCode())
          .isEqualTo(200);
      assertThat(coexist.get("/health/ready").statusCode()).isEqualTo(200);

      try (Connection connection = coexist.app().database().pool().getConnection();
          PreparedStatement select =
              connection.prepareStatement(
                  """
                  SELECT state, event_id, error FROM journal ORDER BY id
                  """);
          ResultSet rows = select.executeQuery()) {
        int accepted = 0;
        final List<String> rejections = new ArrayList<>();
        while (rows.next()) {
          if (rows.getString("state").equals("rejected")) {
            assertThat(rows.getString("event_id")).isNull();
            rejections.add(rows.getString("error"));
          } else {
            assertThat(rows.getString("state")).isIn("pending", "applied", "failed");
            assertThat(rows.getString("event_id")).matches("good-.*|after");
            accepted++;
          }
        }
        assertThat(accepted).isEqualTo(GOOD + 1);
        assertThat(rejections).hasSize(4).allMatch(error -> error.startsWith("envelope id"));
      }
    }
  }

  private static CompletableFuture<HttpResponse<String>> post(
      final RunningApp coexist, final byte[] body) {
    return coexist
        .client()
        .sendAsync(
            HttpRequest.newBuilder(coexist.uri("/webhooks/360dialog"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
