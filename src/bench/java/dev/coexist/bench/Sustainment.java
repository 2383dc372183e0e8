package dev.coexist.bench;

import java.util.List;
import java.util.Locale;

/**
 * Whether one step's offered rate was sustained: every delivery acknowledged 200, and the journal
 * backlog flat over the window.
 *
 * <p>Every delivery acknowledged means a 200 for each, and of those due after the first seconds
 * under 1 % more than a second after the delivery was due. Flat means both: the backlog at the end
 * is at most the backlog after the first seconds plus {@code max(1,000, 5 % of the deliveries
 * acknowledged)}, and its least-squares slope over the last half of the window is at most {@code
 * max(50, 1 % of the offered rate)} entries/s. The first bounds what the window left behind, the
 * second catches a slow growth that a short window would not yet show at its end.
 */
sealed interface Sustainment {

  /**
   * Acks must keep up: at most this share of them later than {@link #LATE_ACK_MILLIS} after the
   * delivery was due (Meta and 360dialog ask for under 1 % above 1 s). Later acks mean the
   * deliveries queued in front of the journal (Coexist's front door, or the client's connections
   * all busy), where its backlog does not show them.
   */
  double LATE_ACK_SHARE = 0.01;

  double LATE_ACK_MILLIS = 1_000;

  /** The backlog after these first seconds (or a quarter of a shorter window) is the baseline. */
  double SETTLE_SECONDS = 5;

  /**
   * Backlog the end may add to the baseline whatever the rate: the processor applies in batches of
   * up to 1,000 messages, so a sample taken just before a batch commits can show that many.
   */
  long END_FLOOR = 1_000;

  /** ... or this share of the deliveries acknowledged in the window, when that is more. */
  double END_SHARE = 0.05;

  /**
   * Backlog growth over the last half allowed, as a share of the offered rate: at 1 % the backlog
   * would hold 36 s of traffic after an hour, which the end bound of a short window cannot see.
   */
  double SLOPE_SHARE = 0.01;

  /**
   * Growth always allowed, in entries/s: the once-a-second backlog count jumps by a batch, and the
   * slope of a few such points in a short window moves by tens of entries/s with no trend at all.
   */
  double SLOPE_FLOOR = 50;

  boolean sustained();

  String label();

  /** Acknowledged and flat. */
  record Sustained(Flatness flatness) implements Sustainment {
    @Override
    public boolean sustained() {
      return true;
    }

    @Override
    public String label() {
      return "yes";
    }
  }

  /** Some deliveries got no 200 (an error, another status, or never sent in time). */
  record Unacknowledged(long due, long acks, long failed, long unsent) implements Sustainment {
    @Override
    public boolean sustained() {
      return false;
    }

    @Override
    public String label() {
      return String.format(
          Locale.ROOT, "no: %,d of %,d without a 200 (%,d unsent)", due - acks, due, unsent);
    }
  }

  /** Every delivery got its 200, but too many came late: the acks fell behind the offered rate. */
  record AcksLate(double lateShare) implements Sustainment {
    @Override
    public boolean sustained() {
      return false;
    }

    @Override
    public String label() {
      return String.format(
          Locale.ROOT,
          "no: %.1f %% of the acks over %s ms after their due time (limit %.0f %%)",
          100 * lateShare,
          Report.number(LATE_ACK_MILLIS),
          100 * LATE_ACK_SHARE);
    }
  }

  /** Acknowledged, but the backlog grew. */
  record BacklogGrew(Flatness flatness) implements Sustainment {
    @Override
    public boolean sustained() {
      return false;
    }

    @Override
    public String label() {
      return "no: " + flatness.why();
    }
  }

  /** Too few backlog readings to tell (the metrics did not answer). */
  record Unmeasured(int samples) implements Sustainment {
    @Override
    public boolean sustained() {
      return false;
    }

    @Override
    public String label() {
      return "unknown: " + samples + " backlog readings";
    }
  }

  /**
   * The backlog's shape over a window.
   *
   * @param baseline backlog after the first seconds
   * @param end backlog at the end of the window
   * @param endLimit most the end may show
   * @param slope least-squares slope over the last half, entries/s
   * @param slopeLimit most the slope may be
   */
  record Flatness(long baseline, long end, long endLimit, double slope, double slopeLimit) {
    boolean flat() {
      return end <= endLimit && slope <= slopeLimit;
    }

    String why() {
      final StringBuilder out = new StringBuilder();
      if (end > endLimit) {
        out.append(String.format(Locale.ROOT, "end backlog %,d > %,d", end, endLimit));
      }
      if (slope > slopeLimit) {
        if (!out.isEmpty()) {
          out.append(", ");
        }
        out.append(String.format(Locale.ROOT, "growing %,.0f/s > %,.0f/s", slope, slopeLimit));
      }
      return out.toString();
    }
  }

  /**
   * Judges one step.
   *
   * @param samples the backlog readings, in time order, seconds from the window's start
   * @param windowSeconds the window's length
   * @param rate the offered rate, deliveries/s
   */
  static Sustainment judge(
      final List<BacklogSampler.Sample> samples,
      final double windowSeconds,
      final double rate,
      final LiveLoad.Sent sent) {
    if (sent.acks() != sent.due() || sent.failed() > 0 || sent.unsent() > 0) {
      return new Unacknowledged(sent.due(), sent.acks(), sent.failed(), sent.unsent());
    }
    final double late = sent.shareSlowerThan(LATE_ACK_MILLIS);
    if (late > LATE_ACK_SHARE) {
      return new AcksLate(late);
    }
    final Flatness flatness = flatness(samples, windowSeconds, rate, sent.acks());
    if (flatness == null) {
      return new Unmeasured(samples.size());
    }
    return flatness.flat() ? new Sustained(flatness) : new BacklogGrew(flatness);
  }

  /** The backlog's shape; null when there are too few readings (three in the last half). */
  static Flatness flatness(
      final List<BacklogSampler.Sample> samples,
      final double windowSeconds,
      final double rate,
      final long acknowledged) {
    final double settle = Math.min(SETTLE_SECONDS, windowSeconds / 4);
    final BacklogSampler.Sample first =
        samples.stream().filter(sample -> sample.seconds() >= settle).findFirst().orElse(null);
    final List<BacklogSampler.Sample> lastHalf =
        samples.stream().filter(sample -> sample.seconds() >= windowSeconds / 2).toList();
    if (first == null || lastHalf.size() < 3) {
      return null;
    }
    final long end = samples.getLast().backlog();
    final long endLimit =
        first.backlog() + Math.max(END_FLOOR, (long) Math.ceil(END_SHARE * acknowledged));
    return new Flatness(
        first.backlog(), end, endLimit, slope(lastHalf), Math.max(SLOPE_FLOOR, SLOPE_SHARE * rate));
  }

  /** Least-squares slope of backlog over seconds. */
  static double slope(final List<BacklogSampler.Sample> samples) {
    final int count = samples.size();
    double meanX = 0;
    double meanY = 0;
    for (final BacklogSampler.Sample sample : samples) {
      meanX += sample.seconds();
      meanY += sample.backlog();
    }
    meanX /= count;
    meanY /= count;
    double covariance = 0;
    double variance = 0;
    for (final BacklogSampler.Sample sample : samples) {
      final double dx = sample.seconds() - meanX;
      covariance += dx * (sample.backlog() - meanY);
      variance += dx * dx;
    }
    return variance == 0 ? 0 : covariance / variance;
  }
}
