package dev.coexist.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** The statements of one pooled read: prepared on first use, all closed with it. */
final class OwnStatements implements Statements, AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  OwnStatements(final Connection connection) {
    this.connection = connection;
  }

  @Override
  public PreparedStatement prepare(final String sql) throws SQLException {
    PreparedStatement statement = prepared.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      prepared.put(sql, statement);
    }
    return statement;
  }

  @Override
  public void close() throws SQLException {
    SQLException failed = null;
    for (final PreparedStatement statement : prepared.values()) {
      try {
        statement.close();
      } catch (SQLException closing) {
        failed = closing;
      }
    }
    prepared.clear();
    if (failed != null) {
      throw failed;
    }
  }
}
