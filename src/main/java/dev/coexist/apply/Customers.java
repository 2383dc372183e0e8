package dev.coexist.apply;

import dev.coexist.coexistence.Party;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  private static final String LINK =
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

  /**
   * The customers of many parties at once, in order (the threads of a history chunk): -1 for a
   * party that names neither a phone nor a user id. The same as {@link #resolve} for each party in
   * turn, with a few statements instead of three per new customer: one look-up per identity kind,
   * one statement creating every customer none of whose identities is known, one batch linking
   * their identities. A party that shares an identity with one created here, or brings a new
   * identity to a known customer, then goes through {@link #resolve}, which links it as before.
   */
  static long[] resolveAll(
      final WriteSession session, final String number, final List<Party> parties)
      throws SQLException {
    final Set<String> phones = new LinkedHashSet<>();
    final Set<String> userIds = new LinkedHashSet<>();
    for (final Party party : parties) {
      final String phone = digits(party.phone());
      final String userId = blankToNull(party.userId());
      if (phone != null && session.cachedCustomer(identityKey(number, "phone", phone)) == null) {
        phones.add(phone);
      }
      if (userId != null
          && session.cachedCustomer(identityKey(number, "user_id", userId)) == null) {
        userIds.add(userId);
      }
    }
    lookUp(session, number, "phone", phones);
    lookUp(session, number, "user_id", userIds);

    // customer key -> the party to create it from; identity key -> customer key it goes to
    final Map<String, Party> toCreate = new LinkedHashMap<>();
    final Map<String, String> claimed = new HashMap<>();
    for (final Party party : parties) {
      final String phone = digits(party.phone());
      final String userId = blankToNull(party.userId());
      final String phoneKey = phone == null ? null : identityKey(number, "phone", phone);
      final String userKey = userId == null ? null : identityKey(number, "user_id", userId);
      if ((phone == null && userId == null)
          || (phoneKey != null
              && (session.cachedCustomer(phoneKey) != null || claimed.containsKey(phoneKey)))
          || (userKey != null
              && (session.cachedCustomer(userKey) != null || claimed.containsKey(userKey)))) {
        continue; // nothing to create, or resolve() below links it to a known customer
      }
      final String customerKey = phone != null ? "phone:" + phone : "user_id:" + userId;
      toCreate.put(
          customerKey,
          new Party(
              phone, userId, blankToNull(party.parentUserId()), blankToNull(party.username())));
      if (phoneKey != null) {
        claimed.put(phoneKey, customerKey);
      }
      if (userKey != null) {
        claimed.put(userKey, customerKey);
      }
    }
    create(session, number, toCreate);

    final long[] customers = new long[parties.size()];
    for (int index = 0; index < customers.length; index++) {
      customers[index] = resolve(session, number, parties.get(index), null);
    }
    return customers;
  }

  /** Caches the customers of the identities of one kind that the table already holds. */
  private static void lookUp(
      final WriteSession session, final String number, final String kind, final Set<String> values)
      throws SQLException {
    if (values.isEmpty()) {
      return;
    }
    final PreparedStatement among = session.prepare(session.dialect().identitiesAmong);
    among.setString(1, number);
    among.setString(2, kind);
    among.setString(3, ColumnValues.json(values));
    try (ResultSet rows = among.executeQuery()) {
      while (rows.next()) {
        session.cacheCustomer(identityKey(number, kind, rows.getString(1)), rows.getLong(2));
      }
    }
  }

  /** Creates customers in one statement and links (and caches) all their identities. */
  private static void create(
      final WriteSession session, final String number, final Map<String, Party> byCustomerKey)
      throws SQLException {
    if (byCustomerKey.isEmpty()) {
      return;
    }
    final List<Map<String, String>> rows = new ArrayList<>(byCustomerKey.size());
    for (final Map.Entry<String, Party> entry : byCustomerKey.entrySet()) {
      final Party party = entry.getValue();
      final Map<String, String> row = new HashMap<>();
      row.put("key", entry.getKey());
      row.put("phone", party.phone());
      row.put("user_id", party.userId());
      row.put("parent_user_id", party.parentUserId());
      row.put("username", party.username());
      rows.add(row);
    }
    final PreparedStatement create = session.prepare(session.dialect().createCustomers);
    create.setString(1, number);
    create.setString(2, ColumnValues.json(rows));
    final Map<String, Long> ids = new HashMap<>();
    try (ResultSet returned = create.executeQuery()) {
      while (returned.next()) {
        ids.put(returned.getString(2), returned.getLong(1));
      }
    }
    final PreparedStatement link = session.prepare(LINK);
    for (final Map.Entry<String, Party> entry : byCustomerKey.entrySet()) {
      final Long customer = ids.get(entry.getKey());
      if (customer == null) {
        throw new IllegalStateException("customer " + entry.getKey() + " was not created");
      }
      final Party party = entry.getValue();
      if (party.phone() != null) {
        bindLink(link, number, "phone", party.phone(), customer);
        link.addBatch();
      }
      if (party.userId() != null) {
        bindLink(link, number, "user_id", party.userId(), customer);
        link.addBatch();
      }
    }
    link.executeBatch();
    // what the table holds now (a failed batch rolls back, and the rollback empties the cache)
    for (final Map.Entry<String, Party> entry : byCustomerKey.entrySet()) {
      final Party party = entry.getValue();
      final long customer = ids.get(entry.getKey());
      if (party.phone() != null) {
        session.cacheCustomer(identityKey(number, "phone", party.phone()), customer);
      }
      if (party.userId() != null) {
        session.cacheCustomer(identityKey(number, "user_id", party.userId()), customer);
      }
    }
  }

  private static void bindLink(
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
    final PreparedStatement update = session.prepare(PROFILE_NAME);
    update.setString(1, name);
    update.setLong(2, at);
    update.setLong(3, customer);
    update.setLong(4, at);
    update.setLong(5, at);
    update.setString(6, name);
    update.executeUpdate();
  }

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

  private static String identityKey(final String number, final String kind, final String value) {
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

  private static String blankToNull(final String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
