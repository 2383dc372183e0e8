package dev.coexist.coexistence;

/**
 * The body is neither a Meta nor a 360dialog envelope (not JSON, not an object, a foreign {@code
 * object}, ...). Nothing in it can be decoded; the delivery as a whole is rejected.
 *
 * <p>The message is the reason alone ({@code body is empty}): the type already says that the body
 * is no envelope, and whoever reports it (the entry's error, {@code not a webhook envelope: ...})
 * says so once. A message of its own with that prefix made the error read it twice.
 */
public final class NotAnEnvelopeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  NotAnEnvelopeException(String reason) {
    super(reason);
    this.reason = reason;
  }

  NotAnEnvelopeException(String reason, Throwable cause) {
    super(reason, cause);
    this.reason = reason;
  }

  /** Short reason, e.g. {@code body is not JSON}: the same as the message. */
  public String reason() {
    return reason;
  }
}
