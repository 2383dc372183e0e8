package dev.coexist.apply;

import dev.coexist.DataPath;
import dev.coexist.db.Database;
import dev.coexist.db.Engine;
import dev.coexist.journal.Delivery;
import dev.coexist.journal.Journal;
import dev.coexist.journal.Receipt;
import dev.coexist.store.JournalStates;
import dev.coexist.store.MessageDetail;
import dev.coexist.store.ProblemQueries;
import dev.coexist.store.StoreQueries;
import dev.coexist.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The real data path below HTTP on a real database: deliveries go through {@link Journal#append}
 * and the {@link Processor} applies them; {@link StoreQueries} reads the result.
 */
final class StoreHarness implements AutoCloseable {
  static final String NUMBER = "106540352242922";
  static final String PABLO = "16505551234";
  static final String ANA = "16505555678";
  static final String OLIVER = "447700900123";
  static final String MARIA_USER_ID = "US.8810473629105523";

  final Engine engine;
  final DataPath dataPath;
  final Database database;
  final Journal journal;
  final JournalStates states;
  final Processor processor;
  final MutableClock clock = new MutableClock(Instant.now());
  final StoreQueries queries;
  final ProblemQueries problems;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private StoreHarness(final Engine engine, final Path folder) {
    this.engine = engine;
    this.dataPath =
        DataPath.open(
            DataPath.Settings.forTool(Engines.url(engine, folder))
                .withProcessing(Duration.ofMillis(20), 5_000),
            meters,
            change -> {});
    this.database = dataPath.storage().store();
    this.journal = dataPath.journal();
    this.states = dataPath.states();
    this.processor = dataPath.processors().get(0);
    this.queries = StoreQueries.of(database, clock, Duration.ofMinutes(10));
    this.problems = new ProblemQueries(database);
  }

  static StoreHarness open(final Engine engine, final Path folder) {
    return new StoreHarness(engine, folder);
  }

  static byte[] fixture(final String name) {
    try (InputStream in = StoreHarness.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }

  /** Journals a fixture; returns the journal id. */
  long append(final String fixture) {
    return append(fixture(fixture));
  }

  long appendJson(final String json) {
    return append(json.getBytes(StandardCharsets.UTF_8));
  }

  long append(final byte[] body) {
    final Receipt receipt =
        journal
            .append(
                new Delivery(
                    System.currentTimeMillis(), "whatsapp", "{}", body, sha256(body), null, null))
            .join();
    return receipt.id();
  }

  /** Journals and applies. */
  long apply(final String fixture) {
    final long id = append(fixture);
    processor.drain();
    return id;
  }

  long applyJson(final String json) {
    final long id = appendJson(json);
    processor.drain();
    return id;
  }

  String journalState(final long id) throws SQLException {
    return states.summary(id).orElseThrow().state();
  }

  MessageDetail message(final String wamid) throws SQLException {
    return queries
        .messages()
        .find(NUMBER, wamid)
        .orElseThrow(() -> new AssertionError("no " + wamid));
  }

  /** Rows of a query as lists of column values, for assertions and dumps. */
  List<List<Object>> rows(final String sql, final Object... parameters) throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int index = 0; index < parameters.length; index++) {
        select.setObject(index + 1, parameters[index]);
      }
      final List<List<Object>> rows = new ArrayList<>();
      try (ResultSet result = select.executeQuery()) {
        final ResultSetMetaData meta = result.getMetaData();
        while (result.next()) {
          final List<Object> row = new ArrayList<>();
          for (int column = 1; column <= meta.getColumnCount(); column++) {
            final Object value = result.getObject(column);
            // SQLite gives Integer or Long, PostgreSQL Integer or Long by column type: compare as
            // text so that both engines dump alike
            row.add(value == null ? null : value.toString());
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  long count(final String table) throws SQLException {
    return Long.parseLong((String) rows("SELECT count(*) FROM " + table).get(0).get(0));
  }

  @Override
  public void close() {
    dataPath.close();
  }

  static String sha256(final byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** A clock the test moves by hand (for the stalled history sync). */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(final Instant now) {
      this.now = now;
    }

    void advance(final Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(final java.time.ZoneId zone) {
      return this;
    }
  }
}
