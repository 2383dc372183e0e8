package dev.coexist.testing;

import dev.coexist.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Writes rows of the change log as an apply transaction writes them, for feed tests. */
public final class ChangeRows {
  private ChangeRows() {}

  /** One change of {@code number}; returns its sequence number. */
  public static long write(
      final Database database, final String type, final String number, final String dataJson)
      throws SQLException {
    try (Connection connection = database.pool().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO changes (committed_at, type, phone_number_id, data)"
                    + " VALUES (?, ?, ?, ?) RETURNING seq")) {
      insert.setLong(1, System.currentTimeMillis());
      insert.setString(2, type);
      insert.setString(3, number);
      insert.setString(4, dataJson);
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}
