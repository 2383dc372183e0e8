package dev.coexist.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sqlite.Function;

/**
 * {@code search_fold(text)} on SQLite, as PostgreSQL has it (a migration defines it there): a text
 * in lower case without its diacritics, so that a search matches "José" with "jose" and "Лена" with
 * "ЛЕНА" (SQLite's own {@code lower()} folds ASCII letters only). Registered on every connection
 * SQLite opens for Coexist.
 */
public final class SearchFold extends Function {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private SearchFold() {}

  /** Lower case, diacritics removed (decomposed, then every combining mark dropped). */
  public static String fold(final String text) {
    return MARKS
        .matcher(Normalizer.normalize(text, Normalizer.Form.NFD))
        .replaceAll("")
        .toLowerCase(Locale.ROOT);
  }

  static void register(final Connection connection) throws SQLException {
    Function.create(connection, "search_fold", new SearchFold(), 1, Function.FLAG_DETERMINISTIC);
  }

  @Override
  protected void xFunc() throws SQLException {
    final String text = value_text(0);
    if (text == null) {
      result();
    } else {
      result(fold(text));
    }
  }
}
