package dev.coexist.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Where the store's readers get their statements: the API's pooled connection for one request, or
 * the apply transaction's connection, whose statements are prepared once and kept (so that a read
 * in every transaction costs binds, not parses). The owner closes them, never the reader.
 */
@FunctionalInterface
public interface Statements {
  /** The statement for this SQL on the owner's connection. */
  PreparedStatement prepare(String sql) throws SQLException;
}
