package dev.coexist.changes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.db.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The rows of {@code subscriptions}: created, read, changed and deleted, and leased to a node. */
public final class Subscriptions {
  /** How long a rotated-out secret still signs, so receivers can switch without a gap. */
  static final Duration ROTATION_GRACE = Duration.ofHours(24);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

  private static final String COLUMNS =
      """
      SELECT id, url, description, types, numbers, secret, previous_secret, previous_secret_until,
             state, state_reason, position, failing_since, delivered, failed_attempts, dead_letters,
             created_at, updated_at, history_messages
        FROM subscriptions
      """;

  private static final String INSERT =
      """
      INSERT INTO subscriptions (id, url, description, types, numbers, secret, state, position,
                                 created_at, updated_at, history_messages)
      VALUES (?, ?, ?, ?, ?, ?, 'active', (SELECT COALESCE(max(seq), 0) FROM changes), ?, ?, ?)
      """;

  private static final String UPDATE =
      """
      UPDATE subscriptions SET url = ?, description = ?, types = ?, numbers = ?, secret = ?,
             previous_secret = ?, previous_secret_until = ?, state = ?, state_reason = ?,
             failing_since = ?, updated_at = ?, history_messages = ?
       WHERE id = ?
      """;

  private static final String DELETE_EVENTS =
      "DELETE FROM outbound_events WHERE subscription_id = ?";
  private static final String DELETE = "DELETE FROM subscriptions WHERE id = ?";

  private static final String CLAIM =
      """
      UPDATE subscriptions SET lease_owner = ?, lease_until = ?
       WHERE id = ? AND state = 'active' AND (lease_owner = ? OR lease_until < ?)
      """;

  private static final String DISABLE =
      """
      UPDATE subscriptions SET state = 'disabled', state_reason = ?, updated_at = ?
       WHERE id = ? AND state = 'active'
      """;

  private final Database database;

  public Subscriptions(final Database database) {
    this.database = database;
  }

  /**
   * What a new subscription is made of; the secret is generated when none is given.
   *
   * @param historyMessages one {@code message.created} per message a history chunk stored, after
   *     the chunk's {@code history.updated}
   */
  public record NewSubscription(
      String url,
      String description,
      List<String> types,
      List<String> numbers,
      String secret,
      boolean historyMessages) {

    public NewSubscription(
        final String url,
        final String description,
        final List<String> types,
        final List<String> numbers,
        final String secret) {
      this(url, description, types, numbers, secret, false);
    }
  }

  /** A change of a subscription: each field null when it stays as it is. */
  public record Change(
      String url,
      String description,
      List<String> types,
      List<String> numbers,
      String state,
      String secret,
      boolean rotateSecret,
      Boolean historyMessages) {

    public Change(
        final String url,
        final String description,
        final List<String> types,
        final List<String> numbers,
        final String state,
        final String secret,
        final boolean rotateSecret) {
      this(url, description, types, numbers, state, secret, rotateSecret, null);
    }
  }

  public WebhookSubscription create(final NewSubscription wanted, final Instant now)
      throws SQLException {
    final String id = "sub_" + randomId();
    try (Connection connection = database.pool().getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, id);
      insert.setString(2, wanted.url());
      insert.setString(3, wanted.description());
      insert.setString(4, json(wanted.types()));
      insert.setString(5, json(wanted.numbers()));
      insert.setString(6, wanted.secret() == null ? WebhookSigner.newSecret() : wanted.secret());
      insert.setLong(7, now.toEpochMilli());
      insert.setLong(8, now.toEpochMilli());
      insert.setInt(9, wanted.historyMessages() ? 1 : 0);
      insert.executeUpdate();
    }
    return find(id).orElseThrow();
  }

  public List<WebhookSubscription> list() throws SQLException {
    return select(COLUMNS + " ORDER BY created_at, id", null);
  }

  public Optional<WebhookSubscription> find(final String id) throws SQLException {
    return select(COLUMNS + " WHERE id = ?", id).stream().findFirst();
  }

  /** Applies a change; empty when there is no such subscription. */
  public Optional<WebhookSubscription> change(
      final String id, final Change change, final Instant now) throws SQLException {
    final Optional<WebhookSubscription> found = find(id);
    if (found.isEmpty()) {
      return found;
    }
    final WebhookSubscription old = found.get();
    String secret = old.secret();
    String previous = old.previousSecret();
    Instant previousUntil = old.previousSecretUntil();
    if (change.rotateSecret() || change.secret() != null) {
      previous = old.secret();
      previousUntil = now.plus(ROTATION_GRACE);
      secret = change.secret() != null ? change.secret() : WebhookSigner.newSecret();
    }
    String state = old.state();
    String reason = old.stateReason();
    Instant failingSince = old.failingSince();
    if (change.state() != null && !change.state().equals(old.state())) {
      state = change.state();
      reason = null;
      failingSince = null; // resumed: the five days start again
    }
    try (Connection connection = database.pool().getConnection();
        PreparedStatement update = connection.prepareStatement(UPDATE)) {
      update.setString(1, change.url() != null ? change.url() : old.url());
      update.setString(2, change.description() != null ? change.description() : old.description());
      update.setString(3, json(change.types() != null ? change.types() : old.types()));
      update.setString(4, json(change.numbers() != null ? change.numbers() : old.numbers()));
      update.setString(5, secret);
      update.setString(6, previous);
      setInstant(update, 7, previousUntil);
      update.setString(8, state);
      update.setString(9, reason);
      setInstant(update, 10, failingSince);
      update.setLong(11, now.toEpochMilli());
      update.setInt(
          12,
          (change.historyMessages() != null ? change.historyMessages() : old.historyMessages())
              ? 1
              : 0);
      update.setString(13, id);
      update.executeUpdate();
    }
    return find(id);
  }

  /** Deletes a subscription and what it had queued; false when there is none. */
  public boolean delete(final String id) throws SQLException {
    try (Connection connection = database.pool().getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement events = connection.prepareStatement(DELETE_EVENTS);
          PreparedStatement subscription = connection.prepareStatement(DELETE)) {
        events.setString(1, id);
        events.executeUpdate();
        subscription.setString(1, id);
        final boolean deleted = subscription.executeUpdate() == 1;
        connection.commit();
        return deleted;
      } catch (SQLException | RuntimeException failed) {
        connection.rollback();
        throw failed;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  /**
   * Takes or renews the lease of an active subscription for {@code owner} until {@code until}:
   * false when another node holds it (or it is not active).
   */
  boolean claim(final String id, final String owner, final Instant until, final Instant now)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement claim = connection.prepareStatement(CLAIM)) {
      claim.setString(1, owner);
      claim.setLong(2, until.toEpochMilli());
      claim.setString(3, id);
      claim.setString(4, owner);
      claim.setLong(5, now.toEpochMilli());
      return claim.executeUpdate() == 1;
    }
  }

  /** Stops deliveries to a subscription, saying why (410 Gone, failing for days). */
  void disable(final String id, final String reason, final Instant now) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement disable = connection.prepareStatement(DISABLE)) {
      disable.setString(1, reason);
      disable.setLong(2, now.toEpochMilli());
      disable.setString(3, id);
      disable.executeUpdate();
    }
  }

  private List<WebhookSubscription> select(final String sql, final String id) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      if (id != null) {
        select.setString(1, id);
      }
      final List<WebhookSubscription> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(
              new WebhookSubscription(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getString(3),
                  list(rows.getString(4)),
                  list(rows.getString(5)),
                  rows.getInt(18) == 1,
                  rows.getString(6),
                  rows.getString(7),
                  instant(rows, 8),
                  rows.getString(9),
                  rows.getString(10),
                  rows.getLong(11),
                  instant(rows, 12),
                  rows.getLong(13),
                  rows.getLong(14),
                  rows.getLong(15),
                  instant(rows, 16),
                  instant(rows, 17)));
        }
      }
      return found;
    }
  }

  private static Instant instant(final ResultSet rows, final int column) throws SQLException {
    final long millis = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static void setInstant(
      final PreparedStatement statement, final int index, final Instant instant)
      throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, instant.toEpochMilli());
    }
  }

  private static String json(final List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static List<String> list(final String json) {
    try {
      return JSON.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException unreadable) {
      throw new IllegalStateException("subscriptions holds an unreadable list: " + json);
    }
  }

  private static String randomId() {
    final StringBuilder id = new StringBuilder();
    for (int index = 0; index < 20; index++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }
}
