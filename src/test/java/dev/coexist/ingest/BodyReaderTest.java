package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
  private final BodyReader reader = new BodyReader(Duration.ofSeconds(5));
  private final IngestMemory memory = new IngestMemory(300_000, new SimpleMeterRegistry());

  @AfterEach
  void close() {
    reader.close();
  }

  private static InputStream bytes(final int length) {
    final byte[] body = new byte[length];
    java.util.Arrays.fill(body, (byte) 'x');
    return new ByteArrayInputStream(body);
  }

  @Test
  void aDeclaredBodyReservesItsLengthBeforeItIsRead() {
    try (IngestMemory.Hold hold = memory.hold()) {
      final BodyReader.Read read = reader.read(bytes(1_000), OptionalLong.of(1_000), 100_000, hold);
      assertThat(read).isInstanceOf(BodyReader.Received.class);
      assertThat(((BodyReader.Received) read).body()).hasSize(1_000);
      assertThat(hold.held()).isEqualTo(1_000);
    }
    try (IngestMemory.Hold hold = memory.hold()) {
      // nothing is read when the announced length does not fit
      final InputStream in = bytes(10);
      assertThat(reader.read(in, OptionalLong.of(400_000), 500_000, hold))
          .isEqualTo(new BodyReader.OverBudget(400_000));
      assertThat(hold.held()).isZero();
      assertThat(reader.read(in, OptionalLong.of(2_000), 1_000, hold))
          .isEqualTo(new BodyReader.TooLarge(2_000));
    }
    assertThat(memory.inUse()).isZero();
  }

  @Test
  void aChunkedBodyReservesAsItArrivesAndNeverMoreThanTwiceTheLimit() {
    try (IngestMemory.Hold hold = memory.hold()) {
      // parts of 65,536 + 65,536 + 18,928 bytes, then the joined 150,000: exactly the budget
      final BodyReader.Read read = reader.read(bytes(150_000), OptionalLong.empty(), 150_000, hold);
      assertThat(((BodyReader.Received) read).body()).hasSize(150_000);
      assertThat(hold.held()).isEqualTo(150_000);
    }
    try (IngestMemory.Hold hold = memory.hold()) {
      assertThat(reader.read(bytes(150_001), OptionalLong.empty(), 150_000, hold))
          .isEqualTo(new BodyReader.TooLarge(150_001));
    }
    try (IngestMemory.Hold hold = memory.hold()) {
      // three parts of 64 KB, then the joined 190,000 bytes: more than 300,000 at once
      assertThat(reader.read(bytes(190_000), OptionalLong.empty(), 200_000, hold))
          .isEqualTo(new BodyReader.OverBudget(190_000));
    }
    try (IngestMemory.Hold hold = memory.hold()) {
      // a body that fills its only part exactly is not copied
      final BodyReader.Read read = reader.read(bytes(1_000), OptionalLong.empty(), 1_000, hold);
      assertThat(((BodyReader.Received) read).body()).hasSize(1_000);
      assertThat(reader.read(bytes(0), OptionalLong.empty(), 1_000, hold))
          .satisfies(empty -> assertThat(((BodyReader.Received) empty).body()).isEmpty());
    }
    assertThat(memory.inUse()).isZero();
  }

  @Test
  void aShortBodyIsNotReceivedAndADiscardedOneCostsNothing() {
    try (IngestMemory.Hold hold = memory.hold()) {
      assertThat(reader.read(bytes(10), OptionalLong.of(20), 100, hold))
          .isInstanceOf(BodyReader.NotReceived.class);
    }
    assertThat(reader.discard(bytes(50_000), 100_000)).isEqualTo(new BodyReader.Discarded(50_000));
    assertThat(reader.discard(bytes(50_000), 10_000)).isInstanceOf(BodyReader.TooLarge.class);
    assertThat(memory.inUse()).isZero();
  }
}
