package dev.coexist.journal;

/** The journal could not make a delivery durable; the sender should retry later. */
public final class JournalUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalUnavailableException(final String reason, final Throwable cause) {
    super(reason, cause);
  }

  public JournalUnavailableException(final String reason) {
    super(reason);
  }
}
