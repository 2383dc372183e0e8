package dev.coexist.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String METRICS =
      """
      # HELP jvm_memory_used_bytes The amount of used memory
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2000000.0
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
      jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1.0
      jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 1.073741824E9
      coexist_journal_backlog 12.0
      coexist_journal_backlog_bytes 99.0
      coexist_store_entries_total{outcome="applied"} 16000.0
      coexist_store_entries_total{outcome="failed"} 0.0
      jvm_gc_live_data_size_bytes NaN
      """;

  private final PrometheusText text = new PrometheusText(METRICS);

  @Test
  void sumsTheSeriesWhoseLabelsMatch() {
    assertThat(text.sum("jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(12_485_760);
    assertThat(text.sum("coexist_store_entries_total", "outcome=\"applied\"")).isEqualTo(16_000);
  }

  @Test
  void aNameIsNotThePrefixOfAnother() {
    assertThat(text.sum("coexist_journal_backlog", "")).isEqualTo(12);
  }

  @Test
  void leavesOutNoLimitAndNotANumber() {
    assertThat(text.sumPositive("jvm_memory_max_bytes", "area=\"heap\"")).isEqualTo(1_073_741_824L);
    assertThat(text.sum("jvm_gc_live_data_size_bytes", "")).isZero();
    assertThat(text.sum("absent_metric", "")).isZero();
  }
}
