package dev.coexist.coexistence;

/**
 * Phone numbers are compared by their digits only, because {@code display_phone_number} may be
 * formatted ({@code +1 555-000-1111}) while {@code from} is bare ({@code 15550001111}).
 */
final class Digits {

  private Digits() {}

  static String of(String phone) {
    if (phone == null) {
      return "";
    }
    StringBuilder digits = new StringBuilder(phone.length());
    for (int i = 0; i < phone.length(); i++) {
      char c = phone.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    return digits.toString();
  }

  static boolean same(String a, String b) {
    String digitsOfA = of(a);
    return !digitsOfA.isEmpty() && digitsOfA.equals(of(b));
  }
}
