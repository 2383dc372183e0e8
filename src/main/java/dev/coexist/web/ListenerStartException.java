package dev.coexist.web;

/** The HTTP listener could not start; the message says why in one line. */
public final class ListenerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ListenerStartException(final String message) {
    super(message);
  }
}
