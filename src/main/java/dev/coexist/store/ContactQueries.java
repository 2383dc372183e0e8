package dev.coexist.store;

import static dev.coexist.store.EpochTimes.seconds;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The contacts of a number: the address book the app syncs, and customers known only by the profile
 * name their messages carry.
 */
public final class ContactQueries {
  private static final String CONTACT_COLUMNS =
      """
      SELECT c.id, c.phone, c.user_id, c.parent_user_id, c.username, c.profile_name,
             k.full_name, k.first_name, k.removed, k.changed_at,
             COALESCE(CASE WHEN k.removed = 0 THEN k.full_name END, c.profile_name, c.username,
                      c.phone, c.user_id) AS display_name
        FROM customers c
        LEFT JOIN contacts k ON k.customer_id = c.id
      """;

  private static final String CONTACTS =
      CONTACT_COLUMNS
          + """
             WHERE c.phone_number_id = ? AND c.id > ?
               AND (k.customer_id IS NOT NULL OR c.profile_name IS NOT NULL)
             ORDER BY c.id
             LIMIT ?
            """;

  // one contact as the list shows it, by its customer (the key of both tables)
  private static final String CONTACT =
      CONTACT_COLUMNS
          + """
             WHERE c.id = ? AND (k.customer_id IS NOT NULL OR c.profile_name IS NOT NULL)
            """;

  private static final String CONTACTS_SYNC =
      """
      SELECT count(*), COALESCE(sum(removed), 0), max(changed_at)
        FROM contacts WHERE phone_number_id = ?
      """;

  private final Database database;

  public ContactQueries(final Database database) {
    this.database = database;
  }

  /**
   * Contacts of a number by customer id: the address book, and customers known only by their
   * profile name.
   *
   * @param afterCustomerId the {@link Page#next()} of the previous page, 0 for the first
   */
  public Page<ContactView, Long> page(
      final String phoneNumberId, final long afterCustomerId, final int limit) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(CONTACTS)) {
      select.setString(1, phoneNumberId);
      select.setLong(2, afterCustomerId);
      select.setInt(3, limit + 1);
      final List<ContactView> contacts = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          contacts.add(contact(rows));
        }
      }
      if (contacts.size() <= limit) {
        return new Page<>(contacts, null);
      }
      return new Page<>(contacts.subList(0, limit), contacts.get(limit - 1).customerId());
    }
  }

  /** One contact as the list shows it, by its customer id; empty when the list has none. */
  static Optional<ContactView> contact(final Statements statements, final long customerId)
      throws SQLException {
    final PreparedStatement select = statements.prepare(CONTACT);
    select.setLong(1, customerId);
    try (ResultSet row = select.executeQuery()) {
      return row.next() ? Optional.of(contact(row)) : Optional.empty();
    }
  }

  private static ContactView contact(final ResultSet rows) throws SQLException {
    final int removed = rows.getInt("removed");
    final boolean inAddressBook = !rows.wasNull();
    return new ContactView(
        rows.getLong("id"),
        new CustomerIdentity(
            rows.getString("phone"),
            rows.getString("user_id"),
            rows.getString("parent_user_id"),
            rows.getString("username")),
        rows.getString("display_name"),
        rows.getString("full_name"),
        rows.getString("first_name"),
        rows.getString("profile_name"),
        inAddressBook ? "app_sync" : "message_profile",
        removed == 1,
        inAddressBook ? seconds(rows.getLong("changed_at")) : null);
  }

  /** The contacts sync of the number {@code id}. */
  static ContactsSync sync(final Statements statements, final String id) throws SQLException {
    final PreparedStatement select = statements.prepare(CONTACTS_SYNC);
    select.setString(1, id);
    try (ResultSet row = select.executeQuery()) {
      row.next();
      return new ContactsSync(row.getInt(1), row.getInt(2), seconds(row.getLong(3)));
    }
  }
}
