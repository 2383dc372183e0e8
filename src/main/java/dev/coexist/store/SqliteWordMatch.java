package dev.coexist.store;

import dev.coexist.db.SearchFold;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * SQLite's {@code MATCH} for the words of a search. FTS5 answers a word's beginning ({@code
 * "haupt"*}) by merging every list of the words that begin so, whole, before it returns the first
 * row: 100 ms for a word a sixth of a million messages hold. Asked for those words by name ({@code
 * "hauptstrasse" OR ...}), it walks the lists newest first and stops after a page. So a beginning
 * is first looked up in the index's own vocabulary, and becomes the words it names; one that names
 * none, or too many, or that the index may fold differently from here (scripts other than Latin,
 * Greek and Cyrillic), stays a beginning.
 */
final class SqliteWordMatch {
  /** A beginning that names more words than this is asked as a beginning. */
  static final int MOST_WORDS = 64;

  private static final String WORDS =
      """
      SELECT term FROM messages_search_words WHERE term >= ? AND term < ? LIMIT ?
      """;

  // letters that unicode61 folds as here: lower case, diacritics removed
  private static final Pattern FOLDS_ALIKE =
      Pattern.compile("[\\p{IsLatin}\\p{IsGreek}\\p{IsCyrillic}\\p{Nd}\\p{M}]+");
  private static final String AFTER_EVERY_CHARACTER = new String(Character.toChars(0x10FFFF));

  private SqliteWordMatch() {}

  static String of(final Connection connection, final SearchTerms terms) throws SQLException {
    final List<String> parts = new ArrayList<>();
    try (PreparedStatement words = connection.prepareStatement(WORDS)) {
      for (final String word : terms.words()) {
        parts.add(part(words, word));
      }
    }
    return String.join(" AND ", parts);
  }

  private static String part(final PreparedStatement words, final String word) throws SQLException {
    final String beginning = quoted(word) + "*";
    if (!FOLDS_ALIKE.matcher(Normalizer.normalize(word, Normalizer.Form.NFD)).matches()) {
      return beginning;
    }
    final String folded = fold(word);
    words.setString(1, folded);
    words.setString(2, folded + AFTER_EVERY_CHARACTER);
    words.setInt(3, MOST_WORDS + 1);
    final List<String> named = new ArrayList<>();
    try (ResultSet rows = words.executeQuery()) {
      while (rows.next()) {
        named.add(quoted(rows.getString(1)));
      }
    }
    if (named.isEmpty() || named.size() > MOST_WORDS) {
      return beginning;
    }
    return "(" + String.join(" OR ", named) + ")";
  }

  /** As unicode61 with remove_diacritics 2 folds a Latin, Greek or Cyrillic word. */
  static String fold(final String word) {
    return SearchFold.fold(word);
  }

  private static String quoted(final String word) {
    return '"' + word.replace("\"", "\"\"") + '"';
  }
}
