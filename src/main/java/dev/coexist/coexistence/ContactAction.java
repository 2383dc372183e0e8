package dev.coexist.coexistence;

/**
 * {@code smb_app_state_sync} actions. There is no {@code edit}: an edited contact arrives as {@link
 * #ADD}, so {@code ADD} means upsert. Anything else is {@link #UNKNOWN} and kept verbatim in {@link
 * ContactChange#actionValue()}.
 */
public enum ContactAction {
  ADD,
  REMOVE,
  UNKNOWN;

  static ContactAction of(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "add" -> ADD;
      case "remove" -> REMOVE;
      default -> UNKNOWN;
    };
  }
}
