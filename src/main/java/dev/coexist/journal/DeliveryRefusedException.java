package dev.coexist.journal;

/**
 * The database refused to store a delivery even as a rejected entry (see {@link Receipt}): the
 * delivery itself is at fault, so sending it again would not help. Not journalled.
 */
public final class DeliveryRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeliveryRefusedException(final String reason, final Throwable cause) {
    super(reason, cause);
  }
}
