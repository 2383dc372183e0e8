package dev.coexist.apply;

import dev.coexist.coexistence.Party;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds or creates the customer of a number that a {@link Party} identifies, by phone (digits) or
 * business-scoped user id, and links every identity the party shows to that customer, so a later
 * payload naming only one of them finds the same customer and thread.
 */
final class Customers {
  private static final String FIND =
      """
      SELECT customer_id FROM customer_identities
       WHERE phone_number_id = ? AND kind = ? AND value = ?
      """;

  // DO UPDATE (not DO NOTHING) so that RETURNING gives the id of an existing row too
  private static final String CREATE =
      """
      INSERT INTO customers (phone_number_id, customer_key, phone, user_id, parent_user_id, username)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (phone_number_id, customer_key) DO UPDATE SET customer_key = excluded.customer_key
      RETURNING id
      """;

  static final String LINK =
      """
      INSERT INTO customer_identities (phone_number_id, kind, value, customer_id)
      VALUES (?, ?, ?, ?)
      ON CONFLICT (phone_number_id, kind, value) DO NOTHING
      """;

  // fills what was unknown; a known value stays (the first identity of a customer is its key)
  private static final String COMPLETE =
      """
      UPDATE customers
         SET phone = COALESCE(phone, ?), user_id = COALESCE(user_id, ?),
             parent_user_id = COALESCE(parent_user_id, ?), username = COALESCE(username, ?)
       WHERE id = ?
      """;

  private static final String PROFILE_NAME =
      """
      UPDATE customers SET profile_name = ?, profile_name_at = ?
       WHERE id = ?
         AND (profile_name IS NULL OR profile_name_at < ?
              OR (profile_name_at = ? AND profile_name < ?))
      """;

  private static final String ENSURE_THREAD =
      """
      INSERT INTO threads (id, phone_number_id) VALUES (?, ?)
      ON CONFLICT (id) DO NOTHING
      """;

  private Customers() {}

  /**
   * The customer's id, or -1 when the party names neither a phone nor a user id.
   *
   * @param extra a second view of the same customer (e.g. the message's {@code contacts[]} entry),
   *     whose identities are linked too; may be null
   */
  static long resolve(
      final WriteSession session, final String phoneNumberId, final Party party, final Party extra)
      throws SQLException {
    final Party who = merge(party, extra);
    final String phone = digits(who.phone());
    final String userId = blankToNull(who.userId());
    if (phone == null && userId == null) {
      return -1;
    }
    Long byPhone = phone == null ? null : find(session, phoneNumberId, "phone", phone);
    Long byUser = userId == null ? null : find(session, phoneNumberId, "user_id", userId);
    if (byPhone != null && (byUser != null || userId == null)) {
      return byPhone;
    }
    if (byUser != null && phone == null) {
      return byUser;
    }
    // a new identity: link it to the customer found by the other one, or to a new customer
    long customer;
    final boolean created = byPhone == null && byUser == null;
    if (!created) {
      customer = byPhone != null ? byPhone : byUser;
    } else {
      final PreparedStatement create = session.prepare(CREATE);
      create.setString(1, phoneNumberId);
      create.setString(2, phone != null ? "phone:" + phone : "user_id:" + userId);
      create.setString(3, phone);
      create.setString(4, userId);
      create.setString(5, blankToNull(who.parentUserId()));
      create.setString(6, blankToNull(who.username()));
      try (ResultSet row = create.executeQuery()) {
        row.next();
        customer = row.getLong(1);
      }
    }
    if (phone != null && byPhone == null) {
      link(session, phoneNumberId, "phone", phone, customer);
    }
    if (userId != null && byUser == null) {
      link(session, phoneNumberId, "user_id", userId, customer);
    }
    if (created) {
      // a new customer was created with everything the party knows
      return customer;
    }
    final PreparedStatement complete = session.prepare(COMPLETE);
    complete.setString(1, phone);
    complete.setString(2, userId);
    complete.setString(3, blankToNull(who.parentUserId()));
    complete.setString(4, blankToNull(who.username()));
    complete.setLong(5, customer);
    complete.executeUpdate();
    return customer;
  }

  static void bindLink(
      final PreparedStatement link,
      final String number,
      final String kind,
      final String value,
      final long customer)
      throws SQLException {
    link.setString(1, number);
    link.setString(2, kind);
    link.setString(3, value);
    link.setLong(4, customer);
  }

  /** The threads of these customers exist (one batch for those not known yet) and are touched. */
  static void ensureThreads(
      final WriteSession session, final Collection<Long> customers, final String number)
      throws SQLException {
    final Set<Long> unknown = new LinkedHashSet<>();
    for (final long customer : customers) {
      if (!session.threadKnown(customer)) {
        unknown.add(customer);
      }
    }
    if (!unknown.isEmpty()) {
      final PreparedStatement ensure = session.prepare(ENSURE_THREAD);
      for (final long customer : unknown) {
        ensure.setLong(1, customer);
        ensure.setString(2, number);
        ensure.addBatch();
      }
      ensure.executeBatch();
      for (final long customer : unknown) {
        session.threadExists(customer);
      }
    }
    for (final long customer : customers) {
      session.touch(customer);
    }
  }

  /** The newest profile name (by message time) is the customer's fallback name. */
  static void profileName(
      final WriteSession session, final long customer, final String name, final long at)
      throws SQLException {
    if (name == null || name.isBlank()) {
      return;
    }
    final ProfileName floor = session.profileNameFloor(customer);
    if (floor != null && (at < floor.at() || (at == floor.at() && name.equals(floor.name())))) {
      return; // the stored name is as new as this one or newer: the update would change nothing
    }
    final PreparedStatement update = session.prepare(PROFILE_NAME);
    update.setString(1, name);
    update.setLong(2, at);
    update.setLong(3, customer);
    update.setLong(4, at);
    update.setLong(5, at);
    update.setString(6, name);
    update.executeUpdate();
    // updated or not, the stored name is now at least as new as this one (ties between names of
    // the same time are left to the database's comparison)
    if (floor == null || at > floor.at()) {
      session.profileNameFloor(customer, new ProfileName(name, at));
    }
  }

  /** A customer's profile name and its time (see {@link #profileName}). */
  record ProfileName(String name, long at) {}

  /** The thread of a customer exists once it has a message; its id is the customer's id. */
  static void ensureThread(final WriteSession session, final long customer, final String number)
      throws SQLException {
    ensureThreads(session, List.of(customer), number);
  }

  private static Long find(
      final WriteSession session, final String number, final String kind, final String value)
      throws SQLException {
    final String key = identityKey(number, kind, value);
    final Long cached = session.cachedCustomer(key);
    if (cached != null) {
      return cached;
    }
    final PreparedStatement find = session.prepare(FIND);
    find.setString(1, number);
    find.setString(2, kind);
    find.setString(3, value);
    try (ResultSet row = find.executeQuery()) {
      if (row.next()) {
        final long customer = row.getLong(1);
        session.cacheCustomer(key, customer);
        return customer;
      }
    }
    return null;
  }

  private static void link(
      final WriteSession session,
      final String number,
      final String kind,
      final String value,
      final long customer)
      throws SQLException {
    final PreparedStatement link = session.prepare(LINK);
    bindLink(link, number, kind, value, customer);
    link.executeUpdate();
    // what the table holds now, which is this customer unless the identity was linked before
    session.cacheCustomer(identityKey(number, kind, value), customer);
  }

  static String identityKey(final String number, final String kind, final String value) {
    return number + '\u0000' + kind + '\u0000' + value;
  }

  private static Party merge(final Party party, final Party extra) {
    if (extra == null) {
      return party;
    }
    return new Party(
        party.phone() != null ? party.phone() : extra.phone(),
        party.userId() != null ? party.userId() : extra.userId(),
        party.parentUserId() != null ? party.parentUserId() : extra.parentUserId(),
        party.username() != null ? party.username() : extra.username());
  }

  /** Whether the party names a phone or a user id: a customer {@link #resolve} can find. */
  static boolean identifies(final Party party) {
    return digits(party.phone()) != null || blankToNull(party.userId()) != null;
  }

  /** Phone numbers are compared by digits: the display number may be formatted. */
  static String digits(final String phone) {
    if (phone == null) {
      return null;
    }
    final StringBuilder digits = new StringBuilder(phone.length());
    for (int index = 0; index < phone.length(); index++) {
      final char c = phone.charAt(index);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    return digits.isEmpty() ? null : digits.toString();
  }

  static String blankToNull(final String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
