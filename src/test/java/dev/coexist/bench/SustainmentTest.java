package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SustainmentTest {

  private static final double WINDOW = 60;
  private static final double RATE = 2_000;

  /** One reading a second, 0..60 s, the backlog as a function of the second. */
  private static List<BacklogSampler.Sample> backlog(final LongUnaryOperator atSecond) {
    final List<BacklogSampler.Sample> samples = new ArrayList<>();
    for (int second = 0; second <= WINDOW; second++) {
      samples.add(new BacklogSampler.Sample(second, atSecond.applyAsLong(second), 0, 0, 0));
    }
    return samples;
  }

  private static LiveLoad.Sent allAcknowledged() {
    final long due = (long) (RATE * WINDOW);
    return sent(due, due, 0, 0, 20);
  }

  /**
   * Acks {@code acks} deliveries of {@code due}, the first {@code slow} after 1.5 s, the rest 20
   * ms.
   */
  private static LiveLoad.Sent sent(
      final long due, final long acks, final long failed, final long unsent, final long slow) {
    final Histogram micros = new Histogram(WorkerStats.HIGHEST_MICROS, 3);
    for (long ack = 0; ack < acks; ack++) {
      micros.recordValue(ack < slow ? 1_500_000 : 20_000);
    }
    return new LiveLoad.Sent(due, acks, failed, unsent, acks, micros, 200);
  }

  @Test
  void aSawtoothBacklogIsSustained() {
    // batches of up to a thousand entries: the backlog jumps up and down with no trend
    final Sustainment judged =
        Sustainment.judge(
            backlog(second -> second % 2 == 0 ? 900 : 100), WINDOW, RATE, allAcknowledged());

    assertThat(judged).isInstanceOf(Sustainment.Sustained.class);
    assertThat(judged.sustained()).isTrue();
  }

  @Test
  void aBacklogGrowingAtTheMissingApplyRateIsNot() {
    // offered 2,000/s, applied 1,200/s: 800 entries more every second
    final Sustainment judged =
        Sustainment.judge(backlog(second -> 800 * second), WINDOW, RATE, allAcknowledged());

    assertThat(judged).isInstanceOf(Sustainment.BacklogGrew.class);
    final Sustainment.Flatness flatness = ((Sustainment.BacklogGrew) judged).flatness();
    assertThat(flatness.slope()).isCloseTo(800, within(0.001));
    assertThat(flatness.baseline()).isEqualTo(4_000);
    assertThat(flatness.endLimit()).isEqualTo(4_000 + 6_000);
    assertThat(judged.label()).contains("end backlog 48,000 > 10,000").contains("growing 800/s");
  }

  @Test
  void aSlowGrowthTheEndBoundMissesIsCaughtByTheSlope() {
    // 60/s over the last half only: the end stays within 5 % of the deliveries, the slope does not
    final Sustainment judged =
        Sustainment.judge(
            backlog(second -> second < 30 ? 0 : 60 * (second - 30)),
            WINDOW,
            RATE,
            allAcknowledged());

    assertThat(judged).isInstanceOf(Sustainment.BacklogGrew.class);
    assertThat(judged.label()).doesNotContain("end backlog").contains("growing 60/s > 50/s");
  }

  @Test
  void aBacklogLeftFromTheStartThatShrinksIsSustained() {
    // a cold start leaves 5,000 entries after the first seconds; the processor then catches up
    final Sustainment judged =
        Sustainment.judge(
            backlog(second -> Math.max(0, 6_000 - 200 * second)), WINDOW, RATE, allAcknowledged());

    assertThat(judged.sustained()).isTrue();
  }

  @Test
  void deliveriesWithoutTheir200AreNotSustainedWhateverTheBacklog() {
    final LiveLoad.Sent sent = sent(120_000, 119_000, 10, 990, 0);

    final Sustainment judged = Sustainment.judge(backlog(second -> 0), WINDOW, RATE, sent);

    assertThat(judged).isInstanceOf(Sustainment.Unacknowledged.class);
    assertThat(judged.label()).isEqualTo("no: 1,000 of 120,000 without a 200 (990 unsent)");
  }

  @Test
  void acksThatComeBackLateAreNotSustainedEvenWithAFlatBacklog() {
    // 2 % of 120,000 acks over a second after their due time: queued in front of the journal
    final Sustainment judged =
        Sustainment.judge(backlog(second -> 0), WINDOW, RATE, sent(120_000, 120_000, 0, 0, 2_400));

    assertThat(judged).isInstanceOf(Sustainment.AcksLate.class);
    assertThat(judged.label())
        .isEqualTo("no: 2.0 % of the acks over 1,000 ms after their due time (limit 1 %)");
  }

  @Test
  void aFewSlowAcksDoNotMakeARateUnsustained() {
    // a pause or two: 0.5 % of the acks late
    final Sustainment judged =
        Sustainment.judge(backlog(second -> 0), WINDOW, RATE, sent(120_000, 120_000, 0, 0, 600));

    assertThat(judged.sustained()).isTrue();
  }

  @Test
  void tooFewReadingsCannotTell() {
    final List<BacklogSampler.Sample> two =
        List.of(
            new BacklogSampler.Sample(10, 0, 0, 0, 0), new BacklogSampler.Sample(59, 0, 0, 0, 0));

    assertThat(Sustainment.judge(two, WINDOW, RATE, allAcknowledged()))
        .isInstanceOf(Sustainment.Unmeasured.class);
  }

  @Test
  void theAppliedRateIsTheCounterOverTheReadings() {
    final List<BacklogSampler.Sample> samples =
        List.of(
            new BacklogSampler.Sample(0, 0, 100, 0, 0),
            new BacklogSampler.Sample(30, 0, 36_100, 0, 0),
            new BacklogSampler.Sample(60, 0, 72_100, 0, 0));

    assertThat(LiveStep.appliedRate(samples)).isCloseTo(1_200, within(0.001));
  }

  @Test
  void metricsAreReadFromThePrometheusText() {
    final String text =
        """
        # HELP coexist_journal_backlog Journal entries waiting to be applied
        # TYPE coexist_journal_backlog gauge
        coexist_journal_backlog 1234.0
        coexist_journal_backlog_other 9.0
        coexist_store_entries_total{outcome="applied"} 5678.0
        coexist_store_entries_total{outcome="failed"} 2.0
        """;

    assertThat(BacklogSampler.value(text, "coexist_journal_backlog", "")).hasValue(1_234);
    assertThat(BacklogSampler.value(text, "coexist_store_entries_total", "outcome=\"applied\""))
        .hasValue(5_678);
    assertThat(BacklogSampler.value(text, "coexist_store_entries_total", "outcome=\"failed\""))
        .hasValue(2);
    assertThat(BacklogSampler.value(text, "coexist_store_problems_total", "")).isEmpty();
  }

  @Test
  void everyStatusNamesAnEchoSentBeforeIt() {
    final LiveDeliveries deliveries = new LiveDeliveries("t3st", 200);
    final byte[] body = new byte[deliveries.maxLength()];
    // the status of request 3 * (200 + 7) + 2 (second round, number 7) names the echo 3 * 7
    final String status =
        new String(body, 0, deliveries.renderInto(3 * 207 + 2, body), StandardCharsets.US_ASCII);
    final String echo =
        new String(body, 0, deliveries.renderInto(3 * 7, body), StandardCharsets.US_ASCII);

    final String echoWamid = "wamid.LIVEt3stE000000000021";
    assertThat(echo).contains("\"id\":\"" + echoWamid + "\"").contains("10770000000000" + "7");
    assertThat(status).contains("\"id\":\"" + echoWamid + "\"").contains("\"status\":\"read\"");
    assertThat(LiveDeliveries.sampled(1)).isTrue();
    assertThat(LiveDeliveries.sampled(4)).isFalse();
    assertThat(deliveries.inboundWamid(1)).isEqualTo("wamid.LIVEt3stI000000000001");
  }
}
