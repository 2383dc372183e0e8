package dev.coexist.journal;

/**
 * What the journal did with a delivery, once it is on disk.
 *
 * @param id the journal entry written for this delivery
 * @param outcome accepted for processing, a duplicate of an earlier entry, or rejected
 * @param duplicateOf the earlier entry, for duplicates; otherwise null
 * @param rejection why it was rejected, for rejected entries (the envelope check's reason, or the
 *     journal's own: an unusable envelope id, or the database refusing the entry); otherwise null
 */
public record Receipt(long id, Outcome outcome, Long duplicateOf, String rejection) {

  /** The journal states a new entry can start in. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    REJECTED
  }
}
