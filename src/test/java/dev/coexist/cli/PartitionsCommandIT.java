package dev.coexist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coexist partitions on a real SQLite data dir: shows the count, changes it, says so when it is
 * already that count, refuses a count out of range, and refuses a second change while entries from
 * before the first wait.
 */
class PartitionsCommandIT {
  @TempDir Path folder;

  @Test
  void showsAndChangesTheJournalsPartitions() throws Exception {
    final Path data = folder.resolve("data");
    final Path lines =
        Files.writeString(
            folder.resolve("one.jsonl"),
            "{\"route\":\"whatsapp\",\"headers\":{},\"body\":"
                + "{\"object\":\"whatsapp_business_account\",\"entry\":[]}}\n");
    final Cli.Run imported = Cli.run("import", lines.toString(), "--data-dir", data.toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();

    final Cli.Run shown = Cli.run("partitions", "--data-dir", data.toString());
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.out()).contains("64 partitions by phone number");

    final Cli.Run changed = Cli.run("partitions", "--set", "128", "--data-dir", data.toString());
    assertThat(changed.exitCode()).as(changed.err()).isZero();
    assertThat(changed.out()).contains("entries after 1 go to 128 partitions (before: 64)");
    assertThat(Cli.run("partitions", "--data-dir", data.toString()).out())
        .contains("128 partitions by phone number from entry 2 on (before it 64: all applied)");

    final Cli.Run same = Cli.run("partitions", "--set", "128", "--data-dir", data.toString());
    assertThat(same.exitCode()).isZero();
    assertThat(same.out()).contains("unchanged: the journal has 128 already");

    final Cli.Run tooMany = Cli.run("partitions", "--set", "5000", "--data-dir", data.toString());
    assertThat(tooMany.exitCode()).isEqualTo(2);
    assertThat(tooMany.err()).contains("--set must be 1 to 1024, not 5000");

    final Cli.Run noStore =
        Cli.run("partitions", "--data-dir", folder.resolve("nothing").toString());
    assertThat(noStore.exitCode()).isNotZero();
    assertThat(noStore.err()).contains("no Coexist store here");
  }
}
