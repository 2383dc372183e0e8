package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class IngestMemoryTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void holdsGrowWithinTheLimitAndGiveEverythingBack() {
    final IngestMemory memory = new IngestMemory(100, meters);
    try (IngestMemory.Hold first = memory.hold();
        IngestMemory.Hold second = memory.hold()) {
      assertThat(first.grow(60)).isTrue();
      assertThat(second.grow(50)).as("60 + 50 is over 100").isFalse();
      assertThat(second.held()).isZero();
      assertThat(second.grow(40)).isTrue();
      assertThat(memory.inUse()).isEqualTo(100);
      assertThat(meters.get("coexist.ingest.memory.in.use").gauge().value()).isEqualTo(100);
      first.shrink(20);
      assertThat(memory.inUse()).isEqualTo(80);
      first.close();
      first.close();
      assertThat(memory.inUse()).as("closing twice gives back once").isEqualTo(40);
    }
    assertThat(memory.inUse()).isZero();
    assertThat(meters.get("coexist.ingest.memory.limit").gauge().value()).isEqualTo(100);
  }
}
