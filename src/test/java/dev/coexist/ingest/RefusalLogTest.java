package dev.coexist.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalLogTest {
  private static final WebhookAuthenticator.Refusal MISSING =
      new WebhookAuthenticator.Refusal("missing_credentials", "header X-Secret is missing");
  private static final WebhookAuthenticator.Refusal WRONG =
      new WebhookAuthenticator.Refusal(
          "invalid_header_secret", "header X-Secret has the wrong value");

  @Test
  void oneLinePerReasonPerIntervalWithTheCountLeftOut() {
    final AtomicLong now = new AtomicLong(1_000);
    final RefusalLog log = new RefusalLog(Duration.ofNanos(100), now::get);
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLog.class);
    lines.start();
    logger.addAppender(lines);
    try {
      assertThat(log.refused("whatsapp", "peer", MISSING)).isTrue();
      assertThat(log.refused("whatsapp", "peer", MISSING)).isFalse();
      assertThat(log.refused("whatsapp", "peer", MISSING)).isFalse();
      // another reason has its own interval
      assertThat(log.refused("360dialog", "peer", WRONG)).isTrue();
      now.addAndGet(100);
      assertThat(log.refused("whatsapp", "peer", MISSING)).isTrue();
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "Delivery on whatsapp from peer refused with 401 (missing_credentials): header"
                  + " X-Secret is missing; 0 more refused for this reason since its last line",
              "Delivery on 360dialog from peer refused with 401 (invalid_header_secret): header"
                  + " X-Secret has the wrong value; 0 more refused for this reason since its last line",
              "Delivery on whatsapp from peer refused with 401 (missing_credentials): header"
                  + " X-Secret is missing; 2 more refused for this reason since its last line");
    } finally {
      logger.detachAppender(lines);
    }
  }
}
