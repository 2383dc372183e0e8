package dev.coexist.api;

/** A request the API cannot answer as asked; becomes a 400 with this reason. */
public final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadRequestException(final String reason) {
    super(reason);
  }
}
