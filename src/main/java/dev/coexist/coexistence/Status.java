package dev.coexist.coexistence;

/**
 * A status as reported. Meta documents history statuses in upper case and live statuses in lower
 * case, and real history payloads arrive in lower case, so known values are normalised to lower
 * case; an unknown value is kept exactly as sent, so nothing new is silently mapped to something
 * old.
 *
 * @param kind the known status, or {@link DeliveryStatus#UNKNOWN}
 * @param value lower-case name of a known status, or the verbatim value of an unknown one
 */
public record Status(DeliveryStatus kind, String value) {

  /** Null for a null value, so "no status sent" stays distinguishable from an unknown one. */
  static Status of(String reported) {
    if (reported == null) {
      return null;
    }
    DeliveryStatus kind = DeliveryStatus.of(reported);
    return new Status(kind, kind == DeliveryStatus.UNKNOWN ? reported : kind.wireName());
  }
}
