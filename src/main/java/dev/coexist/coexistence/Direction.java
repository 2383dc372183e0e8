package dev.coexist.coexistence;

/** Seen from the business: a customer wrote to it, or it wrote to a customer. */
public enum Direction {
  INBOUND,
  OUTBOUND
}
