package dev.mlops.internal.store;

import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.Page;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Pages through one metric's history in (step, timestamp, value) order. A page token holds the
 * position of the last point returned (keyset paging), so pages stay correct while points are being
 * added and deep pages cost no more than the first.
 */
final class MetricHistory {

  private static final String PREFIX = "mh1:";

  private MetricHistory() {}

  static Page<Metric> page(
      Connection c, String runId, String key, int maxResults, @Nullable String pageToken)
      throws SQLException {
    if (maxResults < 1) {
      throw new InvalidInputException(
          "maxResults must be at least 1 for a metric history page, got " + maxResults + ".");
    }
    RunSql.requireStage(c, runId);
    List<Object> args = new ArrayList<>(List.of(runId, key));
    String after = "";
    if (pageToken != null) {
      Position p = Position.decode(pageToken);
      after = " AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)";
      args.addAll(List.of(p.step(), p.timestamp(), p.value(), p.isNan()));
    }
    args.add((long) maxResults + 1);
    List<Position> rows = new ArrayList<>();
    Sql.query(
        c,
        "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND \"key\" = ?"
            + after
            + " ORDER BY step, timestamp, value, is_nan LIMIT ?",
        args,
        rs -> rows.add(new Position(rs.getLong(1), rs.getLong(2), rs.getDouble(3), rs.getInt(4))));
    boolean more = rows.size() > maxResults;
    List<Position> page = more ? rows.subList(0, maxResults) : rows;
    List<Metric> metrics = new ArrayList<>(page.size());
    for (Position p : page) {
      metrics.add(
          new Metric(key, p.isNan() != 0 ? Double.NaN : p.value(), p.timestamp(), p.step()));
    }
    return new Page<>(metrics, more ? page.get(page.size() - 1).encode() : null);
  }

  /** Where a page ended. */
  private record Position(long step, long timestamp, double value, int isNan) {

    String encode() {
      String raw =
          PREFIX
              + step
              + ":"
              + timestamp
              + ":"
              + Long.toHexString(Double.doubleToLongBits(value))
              + ":"
              + isNan;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String token) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        if (!raw.startsWith(PREFIX)) {
          throw new IllegalArgumentException("unknown prefix");
        }
        String[] parts = raw.substring(PREFIX.length()).split(":");
        if (parts.length != 4) {
          throw new IllegalArgumentException("wrong number of parts");
        }
        return new Position(
            Long.parseLong(parts[0]),
            Long.parseLong(parts[1]),
            Double.longBitsToDouble(Long.parseUnsignedLong(parts[2], 16)),
            Integer.parseInt(parts[3]));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "Metric history page token '"
                + token
                + "' is not one this store issued: pass the token of the previous page, or null"
                + " for the first page.",
            e);
      }
    }
  }
}
