package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ForwardReportTest {

  private static Histogram millis(final int count, final long millis) {
    final Histogram histogram = new Histogram(ArrivalLog.HIGHEST_MICROS, 3);
    histogram.recordValueWithCount(millis * 1_000, count);
    return histogram;
  }

  @Test
  void twoOfEveryThreeLiveDeliveriesAreMessages() {
    // echo, inbound, status, in turn
    assertThat(LiveDeliveries.messages(0)).isZero();
    assertThat(LiveDeliveries.messages(1)).isEqualTo(1);
    assertThat(LiveDeliveries.messages(2)).isEqualTo(2);
    assertThat(LiveDeliveries.messages(3)).isEqualTo(2);
    assertThat(LiveDeliveries.messages(4)).isEqualTo(3);
    assertThat(LiveDeliveries.messages(3_000)).isEqualTo(2_000);
  }

  @Test
  void p99IsJudgedOnTheTimedEvents() {
    final Histogram latency = millis(990, 20);
    latency.add(millis(10, 90));

    assertThat(ForwardReport.latencyVerdict(latency, 0).met()).isTrue();
    latency.add(millis(20, 150));
    assertThat(ForwardReport.latencyVerdict(latency, 0).label())
        .startsWith("MISSED (p99 150 ms > 100 ms");
  }

  @Test
  void eventsThatNeverArrivedCountAsTheSlowest() {
    // 995 fast ones and 5 missing: p99 is still among the timed ones, at their 99.5th percentile
    final Histogram latency = millis(985, 20);
    latency.add(millis(10, 60));
    assertThat(ForwardReport.latencyVerdict(latency, 5).label()).startsWith("MET (p99 60.0 ms");
    // exactly 1 % missing: p99 is the slowest timed one
    assertThat(ForwardReport.latencyVerdict(millis(990, 20), 10).met()).isTrue();
    // over 1 % missing: p99 is beyond anything timed
    assertThat(ForwardReport.latencyVerdict(millis(990, 20), 11).label())
        .isEqualTo("MISSED (p99 beyond the wait: 11 of 1,001 events did not arrive)");
    assertThat(ForwardReport.latencyVerdict(millis(0, 0), 0).met()).isFalse();
  }

  @Test
  void theOrderIsKeptOnlyWhenNoEventOvertookAnother() {
    assertThat(ForwardReport.orderKept(0, 1_734).label())
        .isEqualTo("MET (0 of 1,734 events arrived after a later event of their thread)");
    assertThat(ForwardReport.orderKept(1, 1_734).met()).isFalse();
  }

  @Test
  void aBacklogIsSplitOverTheSubscriptions() {
    assertThat(ForwardSteps.ceilDiv(120_000, 10)).isEqualTo(12_000);
    assertThat(ForwardSteps.ceilDiv(100, 3)).isEqualTo(34);
  }
}
