package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ArrivalLogTest {

  private static final long SECOND = 1_000_000;

  @Test
  void eventsOfAThreadInIncreasingIdOrderKeepTheOrderWhateverOtherThreadsDo() {
    final ArrivalLog log = new ArrivalLog();
    log.add(10, 1, "wamid.10", 0, 1);
    log.add(11, 2, "wamid.11", 0, 2);
    log.add(5, 3, "wamid.5", 0, 3); // another thread: a lower id is no disorder
    log.add(12, 1, "wamid.12", 0, 4);
    log.add(13, 2, "wamid.13", 0, 5);

    assertThat(log.distinct()).isEqualTo(5);
    assertThat(log.outOfOrder()).isZero();
    assertThat(log.duplicates()).isZero();
    assertThat(log.threads()).isEqualTo(3);
  }

  @Test
  void anEventArrivingAfterALaterOneOfItsThreadBreaksTheOrder() {
    final ArrivalLog log = new ArrivalLog();
    log.add(10, 1, "wamid.10", 0, 1);
    log.add(12, 1, "wamid.12", 0, 2);
    log.add(11, 1, "wamid.11", 0, 3); // overtaken by 12
    log.add(13, 1, "wamid.13", 0, 4); // in order after 12

    assertThat(log.outOfOrder()).isEqualTo(1);
    assertThat(log.distinct()).isEqualTo(4);
  }

  @Test
  void anEventAcceptedAgainIsADuplicateNotADisorderAndCountsOnce() {
    final ArrivalLog log = new ArrivalLog();
    log.add(10, 1, "wamid.10", 0, 1);
    log.add(10, 1, "wamid.10", 0, 2); // sent again, right after
    log.add(11, 1, "wamid.11", 0, 3);
    log.add(10, 1, "wamid.10", 0, 4); // an old one sent again later

    assertThat(log.duplicates()).isEqualTo(2);
    assertThat(log.outOfOrder()).isZero();
    assertThat(log.distinct()).isEqualTo(2);
    assertThat(log.wamids()).containsExactlyInAnyOrder("wamid.10", "wamid.11");
    assertThat(log.lastArrivalMicros()).isEqualTo(3); // first arrivals only
  }

  @Test
  void eventsWithoutAThreadAreNeverOutOfOrder() {
    final ArrivalLog log = new ArrivalLog();
    log.add(10, ArrivalLog.NO_THREAD, "wamid.10", 0, 1);
    log.add(9, ArrivalLog.NO_THREAD, "wamid.9", 0, 2);

    assertThat(log.outOfOrder()).isZero();
    assertThat(log.threads()).isZero();
  }

  @Test
  void arrivalsAreCountedWithinAWindowAndTimedFromTheirCommit() {
    final ArrivalLog log = new ArrivalLog();
    // committed every 10 ms from 0, each arriving 20 ms after its commit; 3,000 of them (30 s)
    for (int i = 0; i < 3_000; i++) {
      final long committed = i * 10_000L;
      log.add(i, i % 7, "wamid.i", committed, committed + 20_000);
    }

    assertThat(log.firstArrivalMicros()).isEqualTo(20_000);
    assertThat(log.arrivedBetween(0, 10 * SECOND)).isEqualTo(998); // 20 ms .. 9.99 s
    final Histogram all = log.latencyMicros(0);
    assertThat(all.getTotalCount()).isEqualTo(3_000);
    assertThat(all.getValueAtPercentile(99) / 1_000.0).isCloseTo(20, within(0.1));
    // only the events committed from 5 s on
    assertThat(log.latencyMicros(5 * SECOND).getTotalCount()).isEqualTo(2_500);
  }

  @Test
  void catchUpTimesTheEventsCommittedBeforeTheReceiverCameBackThatArrivedAfterIt() {
    final ArrivalLog log = new ArrivalLog();
    log.add(1, 1, "wamid.1", 0, SECOND); // arrived before the outage
    log.add(2, 2, "wamid.2", 2 * SECOND, 11 * SECOND); // committed during it, arrived 1 s after it
    log.add(3, 3, "wamid.3", 3 * SECOND, 310 * SECOND); // waited for the 5 min retry
    log.add(4, 4, "wamid.4", 12 * SECOND, 12 * SECOND + 5_000); // committed after it: not catch-up

    final Histogram catchUp = log.catchUpMicros(10 * SECOND);

    assertThat(catchUp.getTotalCount()).isEqualTo(2);
    assertThat(catchUp.getMaxValue() / 1e6).isCloseTo(300, within(0.5));
    assertThat(log.committedBetween(SECOND, 10 * SECOND)).isEqualTo(2);
  }
}
