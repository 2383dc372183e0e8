package dev.coexist.api;

/** The {@code limit} query parameter: how many rows a page holds. */
public final class PageLimit {
  public static final int DEFAULT = 50;
  public static final int MAX = 500;

  private PageLimit() {}

  public static int parse(final String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT;
    }
    try {
      final int limit = Integer.parseInt(text);
      if (limit < 1 || limit > MAX) {
        throw new BadRequestException("limit must be between 1 and " + MAX + ", was " + limit);
      }
      return limit;
    } catch (NumberFormatException notANumber) {
      throw new BadRequestException("limit must be a whole number, was '" + text + "'");
    }
  }
}
