package dev.coexist.cli;

import java.io.PrintWriter;

/** A one-line progress bar on the terminal, redrawn in place with a carriage return. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final String label;
  private final long total;

  ProgressBar(final PrintWriter out, final String label, final long total) {
    this.out = out;
    this.label = label;
    this.total = Math.max(total, 1);
  }

  void show(final long done) {
    final long clamped = Math.min(Math.max(done, 0), total);
    final int filled = (int) (WIDTH * clamped / total);
    out.print(
        "\r"
            + label
            + " ["
            + "#".repeat(filled)
            + " ".repeat(WIDTH - filled)
            + "] "
            + (100 * clamped / total)
            + "% "
            + clamped
            + "/"
            + total);
    out.flush();
  }

  void finish(final long done) {
    show(done);
    out.println();
    out.flush();
  }
}
