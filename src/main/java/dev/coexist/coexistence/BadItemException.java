package dev.coexist.coexistence;

/** Thrown by a reader for an item it cannot decode; the caller turns it into a DecodeProblem. */
final class BadItemException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  BadItemException(String message) {
    super(message, null, false, false);
  }
}
