package dev.coexist.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  private static Config parse(final Object... keysAndValues) {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    for (int index = 0; index < keysAndValues.length; index += 2) {
      raw.put((ConfigKey) keysAndValues[index], List.of((String) keysAndValues[index + 1]));
    }
    return Config.parse(raw);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    final Config config = parse();
    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.databaseUrl()).isEqualTo("jdbc:sqlite:./data/coexist.db");
    assertThat(config.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(config.ackTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(config.ingestAuthenticated()).isFalse();
    assertThat(config.apiKeys()).isEmpty();
    assertThat(config.insecure()).isFalse();
    assertThat(config.applyNice()).isEqualTo(10);
  }

  @Test
  void theApplyIsNicedOnSqliteOnlyUnlessGiven() {
    assertThat(parse(ConfigKey.DATABASE, "jdbc:postgresql://db/coexist").applyNice()).isZero();
    assertThat(parse(ConfigKey.DATABASE, "jdbc:sqlite:/var/coexist.db").applyNice()).isEqualTo(10);
    assertThat(parse(ConfigKey.APPLY_NICE, "5").applyNice()).isEqualTo(5);
  }

  @Test
  void invalidValuesNameTheKeyAndWhatIsAllowed() {
    assertThatThrownBy(() -> parse(ConfigKey.PORT, "eighty"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--port (COEXIST_PORT): must be a whole number, was 'eighty'");
    assertThatThrownBy(() -> parse(ConfigKey.PORT, "70000"))
        .hasMessage("--port (COEXIST_PORT): must be between 0 and 65535, was 70000");
    assertThatThrownBy(() -> parse(ConfigKey.MAX_BODY, "lots"))
        .hasMessageStartingWith("--max-body (COEXIST_MAX_BODY): must be a size such as 512KB");
    assertThatThrownBy(() -> parse(ConfigKey.ACK_TIMEOUT, "soon"))
        .hasMessageStartingWith("--ack-timeout (COEXIST_ACK_TIMEOUT): must be a duration");
    assertThatThrownBy(() -> parse(ConfigKey.HEADER_SECRET, "no-colon"))
        .hasMessageStartingWith("--header-secret (COEXIST_HEADER_SECRET): must be NAME:VALUE");
    assertThatThrownBy(() -> parse(ConfigKey.INSECURE, "maybe"))
        .hasMessage("--insecure (COEXIST_INSECURE): must be true or false, was 'maybe'");
    assertThatThrownBy(() -> parse(ConfigKey.DATABASE, "mysql://db"))
        .hasMessageStartingWith("--database (COEXIST_DATABASE): must be empty (SQLite");
    assertThatThrownBy(() -> parse(ConfigKey.APPLY_NICE, "20"))
        .hasMessage("--apply-nice (COEXIST_APPLY_NICE): must be between 0 and 19, was 20");
  }

  @Test
  void sizesAndDurationsTakeUnits() {
    final Config config =
        parse(
            ConfigKey.MAX_BODY, "512KB",
            ConfigKey.JOURNAL_BATCH_WAIT, "2ms",
            ConfigKey.READ_TIMEOUT, "1m",
            ConfigKey.ACK_TIMEOUT, "3s");
    assertThat(config.maxBodyBytes()).isEqualTo(512 * 1024);
    assertThat(config.journalBatchWait()).isEqualTo(Duration.ofMillis(2));
    assertThat(config.readTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.ackTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void ingestMemoryHoldsTheLargestBodyTwiceAndLeavesHalfTheHeap() {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    final long heap = 1L << 30;
    assertThat(Config.parse(raw, heap).ingestMemoryBytes()).isEqualTo(64L * 1024 * 1024);
    raw.put(ConfigKey.MAX_BODY, List.of("4MB"));
    raw.put(ConfigKey.INGEST_MEMORY, List.of("7MB"));
    assertThatThrownBy(() -> Config.parse(raw, heap))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "--ingest-memory (COEXIST_INGEST_MEMORY): must be at least twice --max-body (8388608"
                + " bytes), was 7340032 bytes");
    raw.put(ConfigKey.INGEST_MEMORY, List.of("8MB"));
    assertThat(Config.parse(raw, heap).ingestMemoryBytes()).isEqualTo(8L * 1024 * 1024);
    assertThatThrownBy(() -> Config.parse(raw, 12L * 1024 * 1024))
        .hasMessageStartingWith(
            "--ingest-memory (COEXIST_INGEST_MEMORY): must be at most half the Java heap (6291456"
                + " bytes of 12582912 with this -Xmx), was 8388608 bytes");
    raw.put(ConfigKey.INGEST_MEMORY, List.of("plenty"));
    assertThatThrownBy(() -> Config.parse(raw, heap))
        .hasMessageStartingWith("--ingest-memory (COEXIST_INGEST_MEMORY): must be a size");
  }

  @Test
  void publicBindWithoutAuthenticationIsRefusedUnlessInsecure() {
    assertThatThrownBy(() -> parse(ConfigKey.BIND, "0.0.0.0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--bind (COEXIST_BIND): binding 0.0.0.0 (not loopback)")
        .hasMessageContaining("--insecure");
    assertThat(parse(ConfigKey.BIND, "0.0.0.0", ConfigKey.INSECURE, "true").insecure()).isTrue();
    assertThat(parse(ConfigKey.BIND, "0.0.0.0", ConfigKey.PARTNER_SECRET, "s").bind())
        .isEqualTo("0.0.0.0");
    assertThat(parse(ConfigKey.BIND, "localhost").bind()).isEqualTo("localhost");
  }

  @Test
  void headerSecretIsSplitAndNeverPrinted() {
    final Config config = parse(ConfigKey.HEADER_SECRET, "X-Coexist-Secret: s3cret:with:colons");
    assertThat(config.headerSecret()).isPresent();
    assertThat(config.headerSecret().get().name()).isEqualTo("X-Coexist-Secret");
    assertThat(config.headerSecret().get().value()).isEqualTo("s3cret:with:colons");
    assertThat(config.toString()).doesNotContain("s3cret");
  }

  @Test
  void apiKeysComeRepeatedOrCommaSeparated() {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    raw.put(ConfigKey.API_KEY, List.of("one", "two, three"));
    assertThat(Config.parse(raw).apiKeys()).containsExactly("one", "two", "three");
  }

  @Test
  void databaseNamesBecomeJdbcUrls() {
    assertThat(parse(ConfigKey.DATABASE, "sqlite:/srv/coexist.db").databaseUrl())
        .isEqualTo("jdbc:sqlite:/srv/coexist.db");
    assertThat(
            parse(ConfigKey.DATABASE, "postgresql://app:p%40ss@db.internal:5433/coexist")
                .databaseUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5433/coexist?user=app&password=p%40ss");
    assertThat(parse(ConfigKey.DATABASE, "jdbc:postgresql://localhost/coexist").databaseUrl())
        .isEqualTo("jdbc:postgresql://localhost/coexist");
    assertThat(parse(ConfigKey.DATA_DIR, "/var/lib/coexist").databaseUrl())
        .isEqualTo("jdbc:sqlite:/var/lib/coexist/coexist.db");
  }
}
