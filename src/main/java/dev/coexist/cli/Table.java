package dev.coexist.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows in aligned columns under a header: numbers to the right, the rest to the left. */
final class Table {
  private static final String GAP = "  ";
  private static final int LONGEST_CELL = 80;

  private final List<String> header;
  private final List<List<Object>> rows = new ArrayList<>();

  Table(final String... header) {
    this.header = List.of(header);
  }

  /** A row, one value a column; null shows as {@code -}. */
  Table row(final Object... values) {
    if (values.length != header.size()) {
      throw new IllegalArgumentException("a row has " + header.size() + " values");
    }
    rows.add(Arrays.asList(values));
    return this;
  }

  void print(final PrintWriter out) {
    final int[] widths = new int[header.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = header.get(column).length();
      for (final List<Object> row : rows) {
        widths[column] = Math.max(widths[column], cell(row.get(column)).length());
      }
    }
    line(out, widths, new ArrayList<>(header));
    for (final List<Object> row : rows) {
      line(out, widths, row);
    }
    out.flush();
  }

  private static void line(final PrintWriter out, final int[] widths, final List<Object> values) {
    final StringBuilder line = new StringBuilder();
    for (int column = 0; column < widths.length; column++) {
      final Object value = values.get(column);
      final String cell = cell(value);
      final String padding = " ".repeat(widths[column] - cell.length());
      if (column > 0) {
        line.append(GAP);
      }
      line.append(value instanceof Number ? padding + cell : cell + padding);
    }
    out.println(line.toString().stripTrailing());
  }

  private static String cell(final Object value) {
    if (value == null) {
      return "-";
    }
    final String text = value.toString().replaceAll("\\s+", " ");
    return text.length() <= LONGEST_CELL ? text : text.substring(0, LONGEST_CELL - 1) + "...";
  }
}
