package dev.coexist.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The feed's and the forwarder's loops are supervised: a failed round is tried again, an Error
 * included; an Error in every round ends the loop, so that readiness reports it down instead of a
 * thread gone quiet.
 */
class WakeableLoopTest {
  private static final Duration INTERVAL = Duration.ofMillis(5);

  @Test
  void anErrorInARoundIsSurvived() throws Exception {
    final AtomicInteger rounds = new AtomicInteger();
    try (WakeableLoop loop =
        started(
            () -> {
              if (rounds.incrementAndGet() <= 2) {
                throw new OutOfMemoryError("a round that ran out of memory");
              }
            })) {
      awaitRounds(rounds, 20);
      assertThat(loop.running()).isTrue();
    }
  }

  @Test
  void failuresOfTheDatabaseNeverEndTheLoop() throws Exception {
    final AtomicInteger rounds = new AtomicInteger();
    try (WakeableLoop loop =
        started(
            () -> {
              rounds.incrementAndGet();
              throw new SQLException("the database is down");
            })) {
      awaitRounds(rounds, WakeableLoop.ERRORS_MAX * 3);
      assertThat(loop.running()).isTrue();
    }
  }

  @Test
  void anErrorInEveryRoundEndsTheLoop() throws Exception {
    final AtomicInteger rounds = new AtomicInteger();
    try (WakeableLoop loop =
        started(
            () -> {
              rounds.incrementAndGet();
              throw new StackOverflowError("a bug");
            })) {
      final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (loop.running() && System.nanoTime() - deadline < 0) {
        Thread.sleep(5);
      }
      assertThat(loop.running()).isFalse();
      assertThat(rounds.get()).isEqualTo(WakeableLoop.ERRORS_MAX);
    }
  }

  /** A loop of {@code round}s, started. */
  private static WakeableLoop started(final WakeableLoop.Round round) {
    final WakeableLoop loop = new WakeableLoop("test-loop", INTERVAL, round);
    loop.start();
    return loop;
  }

  private static void awaitRounds(final AtomicInteger rounds, final int wanted)
      throws InterruptedException {
    final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (rounds.get() < wanted && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
    assertThat(rounds.get()).isGreaterThanOrEqualTo(wanted);
  }
}
