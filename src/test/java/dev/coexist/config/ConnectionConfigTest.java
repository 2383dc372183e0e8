package dev.coexist.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The connection keys: the cap and the timeout of each phase of a request. */
class ConnectionConfigTest {
  private static Config parse(final ConfigKey key, final String value) {
    final Map<ConfigKey, List<String>> raw = new EnumMap<>(ConfigKey.class);
    if (key != null) {
      raw.put(key, List.of(value));
    }
    return Config.parse(raw);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    final Config config = parse(null, null);
    assertThat(config.maxConnections()).isEqualTo(new Config.ConnectionCap.Auto());
    assertThat(config.requestLineTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void theCapIsAutoOrANumber() {
    assertThat(parse(ConfigKey.MAX_CONNECTIONS, "AUTO").maxConnections())
        .isEqualTo(new Config.ConnectionCap.Auto());
    assertThat(parse(ConfigKey.MAX_CONNECTIONS, "500").maxConnections())
        .isEqualTo(new Config.ConnectionCap.Fixed(500));
    assertThatThrownBy(() -> parse(ConfigKey.MAX_CONNECTIONS, "lots"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "--max-connections (COEXIST_MAX_CONNECTIONS): must be auto or a whole number between 1"
                + " and 10000000, was 'lots'");
    assertThatThrownBy(() -> parse(ConfigKey.MAX_CONNECTIONS, "0"))
        .hasMessageStartingWith("--max-connections (COEXIST_MAX_CONNECTIONS): must be auto or");
  }

  @Test
  void timeoutsNameTheirKey() {
    assertThat(parse(ConfigKey.HEADER_TIMEOUT, "2s").headerTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> parse(ConfigKey.HEADER_TIMEOUT, "1ms"))
        .hasMessage(
            "--header-timeout (COEXIST_HEADER_TIMEOUT): must be between 100ms and 3600000ms, was"
                + " 1ms");
    assertThatThrownBy(() -> parse(ConfigKey.REQUEST_LINE_TIMEOUT, "soon"))
        .hasMessageStartingWith("--request-line-timeout (COEXIST_REQUEST_LINE_TIMEOUT): must be");
    assertThatThrownBy(() -> parse(ConfigKey.IDLE_TIMEOUT, "2h"))
        .hasMessageStartingWith("--idle-timeout (COEXIST_IDLE_TIMEOUT): must be between");
  }
}
