package dev.coexist.bench;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    final String text = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (text.startsWith("pt") || text.startsWith("p")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).trim()));
      }
      if (text.endsWith("s")) {
        return seconds(text.substring(0, text.length() - 1));
      }
      if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1).trim()));
      }
      if (text.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1).trim()));
      }
      return seconds(text);
    } catch (RuntimeException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (try 30s, 500ms, 2m or PT30S)");
    }
  }

  private static Duration seconds(String number) {
    return Duration.ofMillis(Math.round(Double.parseDouble(number.trim()) * 1_000));
  }
}
