package dev.coexist.apply;

import dev.coexist.coexistence.ContactAction;
import dev.coexist.coexistence.ContactChange;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The business app's address book ({@code smb_app_state_sync}): the newest change of a contact wins
 * whatever the arrival order.
 */
final class ContactWriter {
  // the newest metadata.timestamp wins; ties go to remove, then to the greater name (order-free)
  private static final String UPSERT_CONTACT =
      """
      INSERT INTO contacts (customer_id, phone_number_id, full_name, first_name, username, action,
                            removed, changed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (customer_id) DO UPDATE SET
        full_name = excluded.full_name, first_name = excluded.first_name,
        username = excluded.username, action = excluded.action, removed = excluded.removed,
        changed_at = excluded.changed_at
      WHERE excluded.changed_at > contacts.changed_at
         OR (excluded.changed_at = contacts.changed_at
             AND (excluded.removed > contacts.removed
                  OR (excluded.removed = contacts.removed
                      AND COALESCE(excluded.full_name, '') > COALESCE(contacts.full_name, ''))))
      """;

  private ContactWriter() {}

  /** Writes the contact; returns its customer (the id of its thread). */
  static long contact(final WriteSession session, final ContactChange change) throws SQLException {
    if (change.action() == ContactAction.UNKNOWN) {
      throw new IllegalArgumentException("unknown contact action '" + change.actionValue() + "'");
    }
    final String number = DeliveryApplier.number(change.origin());
    final long customer = Customers.resolve(session, number, change.contact(), null);
    if (customer < 0) {
      throw new IllegalArgumentException("contact without phone number or user id");
    }
    final boolean removed = change.action() == ContactAction.REMOVE;
    final PreparedStatement upsert = session.prepare(UPSERT_CONTACT);
    upsert.setLong(1, customer);
    upsert.setString(2, number);
    upsert.setString(3, removed ? null : change.fullName());
    upsert.setString(4, removed ? null : change.firstName());
    upsert.setString(5, change.contact().username());
    upsert.setString(6, change.actionValue());
    upsert.setInt(7, removed ? 1 : 0);
    upsert.setLong(8, ColumnValues.seconds(change.timestamp()));
    upsert.executeUpdate();
    return customer;
  }
}
