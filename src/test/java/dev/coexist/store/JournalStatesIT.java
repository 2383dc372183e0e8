package dev.coexist.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.DataPath;
import dev.coexist.db.Engine;
import dev.coexist.ingest.WebhookRoutes;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.JournalSummary;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lists of a state page right on both engines when some entries of the state are asked to be
 * applied again: each page is full while more follow, and every entry of the state is on one.
 */
class JournalStatesIT {
  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anEntryAskedAgainDoesNotEndTheListEarly(final Engine engine) throws Exception {
    try (DataPath dataPath =
        DataPath.open(
            DataPath.Settings.forTool(Engines.url(engine, folder)),
            new SimpleMeterRegistry(),
            change -> {})) {
      final List<Long> ids = new ArrayList<>();
      for (int index = 0; index < 4; index++) {
        // a foreign object passes the envelope check and fails to decode: a failed entry
        final byte[] body =
            ("{\"object\":\"page\",\"entry\":[],\"n\":" + index + "}")
                .getBytes(StandardCharsets.UTF_8);
        ids.add(
            dataPath
                .journal()
                .append(
                    new Delivery(
                        System.currentTimeMillis(),
                        "whatsapp",
                        "{}",
                        body,
                        WebhookRoutes.sha256Hex(body),
                        null,
                        null))
                .join()
                .id());
      }
      dataPath.drain();
      final JournalStates states = dataPath.states();
      assertThat(states.entries("failed", 0, 10)).extracting(JournalSummary::id).isEqualTo(ids);

      // asked again and not applied yet (the processors neither run nor drain here): pending
      assertThat(states.replay(ids.get(0))).isTrue();

      assertThat(states.entries("failed", 0, 3))
          .extracting(JournalSummary::id)
          .containsExactly(ids.get(1), ids.get(2), ids.get(3));
      assertThat(states.entries("pending", 0, 10))
          .extracting(JournalSummary::id)
          .containsExactly(ids.get(0));
    }
  }
}
