package dev.coexist.apply;

import dev.coexist.coexistence.Party;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The customers of a history chunk's threads, found or created in a few statements for all of them
 * (see {@link #resolve}); a party this cannot settle goes through {@link Customers#resolve}.
 */
final class ChunkCustomers {
  private ChunkCustomers() {}

  /**
   * The customers of many parties at once, in order (the threads of a history chunk): -1 for a
   * party that names neither a phone nor a user id. The same as {@link Customers#resolve} for each
   * party in turn, with a few statements instead of three per new customer: one look-up per
   * identity kind, one statement creating every customer none of whose identities is known, one
   * batch linking their identities. A party that shares an identity with one created here, or
   * brings a new identity to a known customer, then goes through {@link Customers#resolve}, which
   * links it as before.
   */
  static long[] resolve(final WriteSession session, final String number, final List<Party> parties)
      throws SQLException {
    final Set<String> phones = new LinkedHashSet<>();
    final Set<String> userIds = new LinkedHashSet<>();
    for (final Party party : parties) {
      final String phone = Customers.digits(party.phone());
      final String userId = Customers.blankToNull(party.userId());
      if (phone != null
          && session.cachedCustomer(Customers.identityKey(number, "phone", phone)) == null) {
        phones.add(phone);
      }
      if (userId != null
          && session.cachedCustomer(Customers.identityKey(number, "user_id", userId)) == null) {
        userIds.add(userId);
      }
    }
    lookUp(session, number, "phone", phones);
    lookUp(session, number, "user_id", userIds);

    // customer key -> the party to create it from; identity key -> customer key it goes to
    final Map<String, Party> toCreate = new LinkedHashMap<>();
    final Map<String, String> claimed = new HashMap<>();
    for (final Party party : parties) {
      final String phone = Customers.digits(party.phone());
      final String userId = Customers.blankToNull(party.userId());
      final String phoneKey = phone == null ? null : Customers.identityKey(number, "phone", phone);
      final String userKey =
          userId == null ? null : Customers.identityKey(number, "user_id", userId);
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
              phone,
              userId,
              Customers.blankToNull(party.parentUserId()),
              Customers.blankToNull(party.username())));
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
      customers[index] = Customers.resolve(session, number, parties.get(index), null);
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
        session.cacheCustomer(
            Customers.identityKey(number, kind, rows.getString(1)), rows.getLong(2));
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
    final PreparedStatement link = session.prepare(Customers.LINK);
    for (final Map.Entry<String, Party> entry : byCustomerKey.entrySet()) {
      final Long customer = ids.get(entry.getKey());
      if (customer == null) {
        throw new IllegalStateException("customer " + entry.getKey() + " was not created");
      }
      final Party party = entry.getValue();
      if (party.phone() != null) {
        Customers.bindLink(link, number, "phone", party.phone(), customer);
        link.addBatch();
      }
      if (party.userId() != null) {
        Customers.bindLink(link, number, "user_id", party.userId(), customer);
        link.addBatch();
      }
    }
    link.executeBatch();
    // what the table holds now (a failed batch rolls back, and the rollback empties the cache)
    for (final Map.Entry<String, Party> entry : byCustomerKey.entrySet()) {
      final Party party = entry.getValue();
      final long customer = ids.get(entry.getKey());
      if (party.phone() != null) {
        session.cacheCustomer(Customers.identityKey(number, "phone", party.phone()), customer);
      }
      if (party.userId() != null) {
        session.cacheCustomer(Customers.identityKey(number, "user_id", party.userId()), customer);
      }
    }
  }
}
