package dev.coexist.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a search box's text asks for: the words of a message search, each matched as a word or the
 * beginning of one, all of them required; or one exact wamid. Pure: the engines' query syntax is
 * built here from words cut at anything that is neither letter, digit nor mark, so no character of
 * the text reaches either engine's query parser as syntax.
 */
public final class SearchTerms {
  /** More words than this are not a search any inbox needs; they only make the query slower. */
  public static final int MAX_WORDS = 16;

  private final List<String> words;

  private SearchTerms(final List<String> words) {
    this.words = List.copyOf(words);
  }

  /** The words of {@code text} (possibly none), at most {@link #MAX_WORDS}. */
  public static SearchTerms of(final String text) {
    final List<String> words = new ArrayList<>();
    final StringBuilder word = new StringBuilder();
    text.codePoints()
        .forEach(
            point -> {
              if (wordPart(point)) {
                word.appendCodePoint(point);
              } else if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
              }
            });
    if (!word.isEmpty()) {
      words.add(word.toString());
    }
    return new SearchTerms(words.size() > MAX_WORDS ? words.subList(0, MAX_WORDS) : words);
  }

  /** The wamid {@code text} names, when it is one (a wamid is one token that starts so). */
  public static Optional<String> wamid(final String text) {
    final String trimmed = text.strip();
    return trimmed.startsWith("wamid.")
            && trimmed.length() > "wamid.".length()
            && trimmed.codePoints().noneMatch(Character::isWhitespace)
        ? Optional.of(trimmed)
        : Optional.empty();
  }

  public List<String> words() {
    return words;
  }

  public boolean isEmpty() {
    return words.isEmpty();
  }

  /**
   * {@code to_tsquery}: every word quoted and asked for as a prefix ({@code :*}). Folded in SQL by
   * the same function as the indexed words.
   */
  String postgresqlQuery() {
    return words.stream().map(word -> "'" + word + "':*").collect(Collectors.joining(" & "));
  }

  private static boolean wordPart(final int point) {
    return switch (Character.getType(point)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.NON_SPACING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.ENCLOSING_MARK ->
          true;
      default -> false;
    };
  }
}
