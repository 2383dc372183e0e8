package dev.coexist.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchTermsTest {

  @Test
  void wordsAreCutAtAnythingButLettersDigitsAndMarks() {
    assertThat(SearchTerms.of("  Café au-lait, 4711! ").words())
        .containsExactly("Café", "au", "lait", "4711");
    assertThat(SearchTerms.of("Привет, где мой заказ?").words())
        .containsExactly("Привет", "где", "мой", "заказ");
    assertThat(SearchTerms.of("مرحبا، أين طلبي؟").words()).containsExactly("مرحبا", "أين", "طلبي");
    assertThat(SearchTerms.of("!?* \"'").isEmpty()).isTrue();
  }

  @Test
  void engineSyntaxInTheTextStaysText() {
    final SearchTerms terms = SearchTerms.of("\"order\" OR ship* :* & 'x'");
    assertThat(terms.words()).containsExactly("order", "OR", "ship", "x");
    assertThat(terms.postgresqlQuery()).isEqualTo("'order':* & 'OR':* & 'ship':* & 'x':*");
  }

  @Test
  void wordsAreFoldedAsTheIndexFoldsThem() {
    assertThat(SqliteWordMatch.fold("Café")).isEqualTo("cafe");
    assertThat(SqliteWordMatch.fold("HAUPTSTRASSE")).isEqualTo("hauptstrasse");
    assertThat(SqliteWordMatch.fold("Привет")).isEqualTo("привет");
    assertThat(SqliteWordMatch.fold("Ελλάδα")).isEqualTo("ελλαδα");
  }

  @Test
  void atMostSixteenWordsAreUsed() {
    assertThat(SearchTerms.of("a ".repeat(40)).words()).hasSize(SearchTerms.MAX_WORDS);
  }

  @Test
  void aWamidIsOneTokenStartingWithWamid() {
    assertThat(SearchTerms.wamid(" wamid.HBgLMTY1MDU1NTEyMzQVAgA= "))
        .contains("wamid.HBgLMTY1MDU1NTEyMzQVAgA=");
    assertThat(SearchTerms.wamid("wamid.")).isEmpty();
    assertThat(SearchTerms.wamid("wamid.abc def")).isEmpty();
    assertThat(SearchTerms.wamid("my wamid")).isEmpty();
  }

  @Test
  void phoneDigitsAreReadFromAnyFormattingButNotFromWords() {
    assertThat(ThreadFilter.phoneDigits("+54 9 11 5555-1234")).isEqualTo("5491155551234");
    assertThat(ThreadFilter.phoneDigits("(650) 555.1234")).isEqualTo("6505551234");
    assertThat(ThreadFilter.phoneDigits("5555")).isEqualTo("5555");
    assertThat(ThreadFilter.phoneDigits("US.8810473629105523")).isNull();
    assertThat(ThreadFilter.phoneDigits("order 4711")).isNull();
    assertThat(ThreadFilter.phoneDigits("+ -")).isNull();
  }
}
