package dev.coexist.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coexist.db.Engine;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole fixture corpus applied, replayed, and applied again in shuffled orders: the store is
 * the same every time. Every part of the store is order-free by construction (newest contact
 * change, forward-only status, earliest time, placeholder giving way, actions kept by target), so
 * the corpus is shuffled as a whole.
 */
class ReplayDeterminismIT {
  @TempDir Path folder;

  @ParameterizedTest
  @EnumSource(Engine.class)
  void replayAndShuffledOrderGiveTheSameStore(final Engine engine) throws Exception {
    final List<String> corpus = corpus();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(38);
    final String applied;
    try (StoreHarness store = StoreHarness.open(engine, folder)) {
      for (final String fixture : corpus) {
        store.append(fixture);
      }
      store.processor.drain();
      applied = StoreDump.of(store);
      assertThat(store.count("messages")).isGreaterThan(30);

      assertThat(store.states.replayRange(1, Long.MAX_VALUE)).isEqualTo(corpus.size());
      store.processor.drain();
      assertThat(StoreDump.of(store)).isEqualTo(applied);
    }
    for (final long seed : List.of(7L, 2026L)) {
      final List<String> shuffled = new ArrayList<>(corpus);
      Collections.shuffle(shuffled, new Random(seed));
      try (StoreHarness store = StoreHarness.open(engine, folder)) {
        for (final String fixture : shuffled) {
          store.append(fixture);
        }
        store.processor.drain();
        assertThat(StoreDump.of(store)).as("shuffled with seed %d", seed).isEqualTo(applied);
      }
    }
  }

  private static List<String> corpus() throws IOException, URISyntaxException {
    final Path root = Path.of(StoreHarness.class.getResource("/fixtures").toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(file -> file.toString().endsWith(".json"))
          .map(file -> root.relativize(file).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }
}
