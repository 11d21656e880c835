package dev.mlops.model;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.mlmodel.BaselineJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A summary of the training data of one model input, stored with the model ({@code
 * baseline_profile.json}) so that serving can compare live inputs against it (drift: PSI, KS). Each
 * feature (column) keeps its count, mean, standard deviation, range and the 101 percentiles 0, 1,
 * ..., 100, enough to rebuild an approximate distribution without the raw data.
 *
 * <pre>{@code
 * BaselineProfile profile = BaselineProfile.of("x", trainingRows);   // float[][] rows x features
 * run.logModel("model", OnnxModel.builder(file).baseline(profile).build());
 * }</pre>
 *
 * @param input the model input the rows were fed to
 * @param rows how many rows were profiled
 * @param features one profile per column, in column order
 */
public record BaselineProfile(String input, long rows, List<Feature> features) {

  /** The file name inside a model directory. */
  public static final String FILE_NAME = "baseline_profile.json";

  /** The {@code MLmodel} metadata key that names the profile file. */
  public static final String METADATA_KEY = "mlops.baseline_profile";

  public BaselineProfile {
    features = List.copyOf(features);
  }

  /**
   * One column's distribution.
   *
   * @param index the column index
   * @param mean the mean
   * @param stddev the population standard deviation
   * @param min the smallest value
   * @param max the largest value
   * @param percentiles 101 values: the 0th, 1st, ..., 100th percentile
   */
  public record Feature(
      int index, double mean, double stddev, double min, double max, List<Double> percentiles) {
    public Feature {
      percentiles = List.copyOf(percentiles);
    }
  }

  /**
   * Profiles {@code rows} (rows x features) of input {@code input}.
   *
   * @throws InvalidInputException when there are no rows, rows differ in length, or a value is not
   *     finite
   */
  public static BaselineProfile of(String input, float[][] rows) {
    if (rows.length == 0) {
      throw new InvalidInputException(
          "Cannot profile input '" + input + "' from zero rows: pass the training rows.");
    }
    int cols = rows[0].length;
    List<Feature> features = new ArrayList<>(cols);
    double[] column = new double[rows.length];
    for (int c = 0; c < cols; c++) {
      double sum = 0;
      for (int r = 0; r < rows.length; r++) {
        if (rows[r].length != cols) {
          throw new InvalidInputException(
              "Row " + r + " has " + rows[r].length + " values, row 0 has " + cols + ".");
        }
        double v = rows[r][c];
        if (!Double.isFinite(v)) {
          throw new InvalidInputException(
              "Row "
                  + r
                  + ", column "
                  + c
                  + " of input '"
                  + input
                  + "' is "
                  + v
                  + ": a baseline needs finite values.");
        }
        column[r] = v;
        sum += v;
      }
      double mean = sum / rows.length;
      double sq = 0;
      for (double v : column) {
        sq += (v - mean) * (v - mean);
      }
      double[] sorted = column.clone();
      Arrays.sort(sorted);
      List<Double> pct = new ArrayList<>(101);
      for (int p = 0; p <= 100; p++) {
        pct.add(percentile(sorted, p / 100.0));
      }
      features.add(
          new Feature(
              c, mean, Math.sqrt(sq / rows.length), sorted[0], sorted[rows.length - 1], pct));
    }
    return new BaselineProfile(input, rows.length, features);
  }

  /** The profile stored in a model directory, if it has one. */
  public static Optional<BaselineProfile> read(Path modelDir) {
    return BaselineJson.read(modelDir.resolve(FILE_NAME));
  }

  /** This profile as JSON, as stored in {@link #FILE_NAME}. */
  public String toJson() {
    return BaselineJson.write(this);
  }

  /** Linear interpolation between closest ranks, as numpy's default. */
  private static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
