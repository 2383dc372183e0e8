package dev.coexist.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Status;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The arithmetic of the connection cap and the words of the server's own errors. */
class ConnectionLimitsTest {
  @Test
  void theCapLeavesAReserveForEverythingElse() {
    // a small limit keeps the JVM's, the refusals' and the database pool's descriptors
    assertThat(FileDescriptors.connectionCap(OptionalLong.of(256), 8)).isEqualTo(32);
    assertThat(FileDescriptors.connectionCap(OptionalLong.of(1024), 8)).isEqualTo(768);
    // a large one keeps a quarter
    assertThat(FileDescriptors.connectionCap(OptionalLong.of(1_048_576), 8)).isEqualTo(786_432);
    // a bigger pool needs more
    assertThat(FileDescriptors.connectionCap(OptionalLong.of(1024), 200)).isEqualTo(1024 - 992);
    // never below a handful, nor unbounded when the limit is unknown
    assertThat(FileDescriptors.connectionCap(OptionalLong.of(64), 8)).isEqualTo(8);
    assertThat(FileDescriptors.connectionCap(OptionalLong.empty(), 8)).isEqualTo(4_096);
  }

  @Test
  void theJvmKnowsItsLimitOnLinux() {
    assertThat(FileDescriptors.limit()).isPresent();
    assertThat(FileDescriptors.open()).isPresent();
  }

  @Test
  void versionsOtherThanHttp1AreRecognisedInWhatHelidonReports() {
    assertThat(ErrorReplies.isOtherVersion("HTTP/2.0/")).isTrue();
    assertThat(ErrorReplies.isOtherVersion("GET /health/live HTTP/2.0/")).isTrue();
    assertThat(ErrorReplies.isOtherVersion("GET / HTTP/3/")).isTrue();
    assertThat(ErrorReplies.isOtherVersion("HTTP/1.1")).isFalse();
    assertThat(ErrorReplies.isOtherVersion("GET / HTTP/1.1/")).isFalse();
    assertThat(ErrorReplies.isOtherVersion("HTTP/1.0")).isFalse();
    assertThat(ErrorReplies.isOtherVersion("GARBAGE")).isFalse();
    assertThat(ErrorReplies.isOtherVersion("")).isFalse();
  }

  @Test
  void errorCodesAreTheReasonPhraseInSnakeCase() {
    assertThat(ErrorReplies.code(Status.NOT_FOUND_404)).isEqualTo("not_found");
    assertThat(ErrorReplies.code(Status.HTTP_VERSION_NOT_SUPPORTED_505))
        .isEqualTo("http_version_not_supported");
  }
}
