package dev.coexist.coexistence;

/**
 * The body is neither a Meta nor a 360dialog envelope (not JSON, not an object, a foreign {@code
 * object}, ...). Nothing in it can be decoded; the delivery as a whole is rejected.
 */
public final class NotAnEnvelopeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  NotAnEnvelopeException(String reason) {
    super("not a WhatsApp webhook envelope: " + reason);
    this.reason = reason;
  }

  NotAnEnvelopeException(String reason, Throwable cause) {
    super("not a WhatsApp webhook envelope: " + reason, cause);
    this.reason = reason;
  }

  /** Short reason, e.g. {@code body is not JSON}. */
  public String reason() {
    return reason;
  }
}
