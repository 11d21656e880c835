package dev.mlops.internal.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A unit of SQL work run by {@link SqliteDatabase#inTransaction} or {@link SqliteDatabase#read}. It
 * may run more than once when SQLite reports the database busy, so it must not have effects outside
 * the connection it is given.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

  /** Runs the work on {@code connection}, inside a transaction that the caller commits. */
  T apply(Connection connection) throws SQLException;
}
