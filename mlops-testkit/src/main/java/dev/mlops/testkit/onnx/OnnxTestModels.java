package dev.mlops.testkit.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Small ONNX models for tests, built in code (IR 8, opset 13), each with a plain-Java reference of
 * what it computes so a test can compare predictions.
 *
 * <pre>{@code
 * OnnxTestModels.Linear linear = OnnxTestModels.linear(new float[] {1, 2, 3, 4}, 0.5f);
 * Path file = linear.writeTo(dir.resolve("model.onnx"));
 * float[] expected = linear.predict(rows);
 * }</pre>
 *
 * <ul>
 *   <li>{@link #linear}: {@code y = x·w + b}, input {@code x} float (batch, k), output {@code y}
 *       float (batch, 1), batch symbolic;
 *   <li>{@link #linearFixedBatch}: the same with a fixed batch size;
 *   <li>{@link #mlp}: a two-layer perceptron over two named inputs;
 *   <li>{@link #idsAndWords}: int64 and string inputs, int64, bool and string outputs;
 *   <li>{@link #doubleScale}: float64 in and out.
 * </ul>
 *
 * <p>Any of them can keep its weights in an external data file, as large exported models do: {@code
 * linear.withExternalData("weights/linear.bin").writeTo(dir.resolve("model.onnx"))} writes the
 * graph and, beside it, {@code weights/linear.bin}.
 */
public final class OnnxTestModels {

  private OnnxTestModels() {}

  /** A model, ready to write. */
  public interface TestModel {
    /** A fresh builder holding the model's graph. */
    OnnxGraphBuilder graph();

    /** The serialized ModelProto. */
    default byte[] bytes() {
      return graph().build();
    }

    /**
     * Writes the model to {@code file}, and its external data files (if any) at their locations
     * relative to {@code file}'s directory; returns {@code file}.
     */
    default Path writeTo(Path file) {
      OnnxGraphBuilder graph = graph();
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        for (Map.Entry<String, byte[]> data : graph.externalFiles().entrySet()) {
          Path target = file.toAbsolutePath().resolveSibling(data.getKey());
          Files.createDirectories(target.getParent());
          Files.write(target, data.getValue());
        }
        return Files.write(file, graph.build());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The same model with its initializers' data in the file {@code location}, relative to the
     * model file (see {@link OnnxGraphBuilder#externalData(String)}).
     */
    default TestModel withExternalData(String location) {
      return new ExternalData(this, location);
    }
  }

  /**
   * A model whose initializers keep their data in an external file.
   *
   * @param model the model
   * @param location the data file, relative to the model file
   */
  public record ExternalData(TestModel model, String location) implements TestModel {
    @Override
    public OnnxGraphBuilder graph() {
      return model.graph().externalData(location);
    }
  }

  // ---- linear

  /** {@code y = x·w + b} with a symbolic batch dimension. */
  public static Linear linear(float[] weights, float bias) {
    return new Linear(weights.clone(), bias, -1);
  }

  /** {@code y = x·w + b} with a fixed batch of {@code batch} rows. */
  public static Linear linearFixedBatch(float[] weights, float bias, int batch) {
    return new Linear(weights.clone(), bias, batch);
  }

  /**
   * A linear model.
   *
   * @param weights one per input column
   * @param bias added to every output
   * @param batch fixed batch size, -1 for a symbolic one ({@code "batch"})
   */
  public record Linear(float[] weights, float bias, long batch) implements TestModel {
    @Override
    public OnnxGraphBuilder graph() {
      Object b = batch < 0 ? "batch" : batch;
      int k = weights.length;
      return new OnnxGraphBuilder("linear")
          .input("x", OnnxGraphBuilder.FLOAT, b, k)
          .floats("w", weights, k, 1)
          .floats("b", new float[] {bias}, 1)
          .node("MatMul", new String[] {"x", "w"}, new String[] {"xw"})
          .node("Add", new String[] {"xw", "b"}, new String[] {"y"})
          .output("y", OnnxGraphBuilder.FLOAT, b, 1);
    }

    /** The reference output: one value per row. */
    public float[] predict(float[][] rows) {
      float[] out = new float[rows.length];
      for (int r = 0; r < rows.length; r++) {
        double sum = bias;
        for (int c = 0; c < weights.length; c++) {
          sum += (double) rows[r][c] * weights[c];
        }
        out[r] = (float) sum;
      }
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Linear l
          && Arrays.equals(l.weights, weights)
          && l.bias == bias
          && l.batch == batch;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(weights) * 31 + Float.hashCode(bias) + (int) batch;
    }

    @Override
    public String toString() {
      return "Linear[w=" + Arrays.toString(weights) + ", b=" + bias + ", batch=" + batch + "]";
    }
  }

  // ---- MLP

  /**
   * A two-layer perceptron with weights drawn from {@code seed}: inputs {@code user_features} float
   * (batch, 3) and {@code item_features} float (batch, 2), concatenated, then 8 ReLU units, then
   * output {@code scores} float (batch, 2).
   */
  public static Mlp mlp(long seed) {
    Random random = new Random(seed);
    return new Mlp(
        randoms(random, 5 * 8), randoms(random, 8), randoms(random, 8 * 2), randoms(random, 2));
  }

  /**
   * A two-layer perceptron.
   *
   * @param w1 first layer weights, (5, 8) row-major
   * @param b1 first layer bias, 8
   * @param w2 second layer weights, (8, 2) row-major
   * @param b2 second layer bias, 2
   */
  public record Mlp(float[] w1, float[] b1, float[] w2, float[] b2) implements TestModel {
    public static final int USER = 3;
    public static final int ITEM = 2;
    public static final int HIDDEN = 8;
    public static final int OUT = 2;

    @Override
    public OnnxGraphBuilder graph() {
      return new OnnxGraphBuilder("mlp")
          .input("user_features", OnnxGraphBuilder.FLOAT, "batch", USER)
          .input("item_features", OnnxGraphBuilder.FLOAT, "batch", ITEM)
          .floats("w1", w1, USER + ITEM, HIDDEN)
          .floats("b1", b1, HIDDEN)
          .floats("w2", w2, HIDDEN, OUT)
          .floats("b2", b2, OUT)
          .node(
              "Concat",
              new String[] {"user_features", "item_features"},
              new String[] {"h0"},
              "axis",
              1)
          .node("MatMul", new String[] {"h0", "w1"}, new String[] {"h1"})
          .node("Add", new String[] {"h1", "b1"}, new String[] {"h2"})
          .node("Relu", new String[] {"h2"}, new String[] {"h3"})
          .node("MatMul", new String[] {"h3", "w2"}, new String[] {"h4"})
          .node("Add", new String[] {"h4", "b2"}, new String[] {"scores"})
          .output("scores", OnnxGraphBuilder.FLOAT, "batch", OUT);
    }

    /** The reference output, (rows, 2). */
    public float[][] predict(float[][] user, float[][] item) {
      float[][] out = new float[user.length][OUT];
      for (int r = 0; r < user.length; r++) {
        double[] x = new double[USER + ITEM];
        for (int i = 0; i < USER; i++) {
          x[i] = user[r][i];
        }
        for (int i = 0; i < ITEM; i++) {
          x[USER + i] = item[r][i];
        }
        double[] h = new double[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
          double s = b1[j];
          for (int i = 0; i < x.length; i++) {
            s += x[i] * w1[i * HIDDEN + j];
          }
          h[j] = Math.max(0, s);
        }
        for (int k = 0; k < OUT; k++) {
          double s = b2[k];
          for (int j = 0; j < HIDDEN; j++) {
            s += h[j] * w2[j * OUT + k];
          }
          out[r][k] = (float) s;
        }
      }
      return out;
    }
  }

  // ---- int64 and strings

  /**
   * Inputs {@code ids} int64 (batch, 3) and {@code words} string (batch); outputs {@code id_sum}
   * int64 (batch, 1) = row sums of ids, {@code large} bool (batch, 1) = id_sum greater than {@code
   * threshold}, {@code words_out} string (batch) = words unchanged.
   */
  public static IdsAndWords idsAndWords(long threshold) {
    return new IdsAndWords(threshold);
  }

  /**
   * The int64/string model.
   *
   * @param threshold compared with each row sum
   */
  public record IdsAndWords(long threshold) implements TestModel {
    @Override
    public OnnxGraphBuilder graph() {
      return new OnnxGraphBuilder("ids_and_words")
          .input("ids", OnnxGraphBuilder.INT64, "batch", 3)
          .input("words", OnnxGraphBuilder.STRING, "batch")
          .longs("axes", new long[] {1}, 1)
          .longs("threshold", new long[] {threshold}, 1)
          .node("ReduceSum", new String[] {"ids", "axes"}, new String[] {"id_sum"}, "keepdims", 1)
          .node("Greater", new String[] {"id_sum", "threshold"}, new String[] {"large"})
          .node("Identity", new String[] {"words"}, new String[] {"words_out"})
          .output("id_sum", OnnxGraphBuilder.INT64, "batch", 1)
          .output("large", OnnxGraphBuilder.BOOL, "batch", 1)
          .output("words_out", OnnxGraphBuilder.STRING, "batch");
    }

    /** The reference row sums. */
    public long[] sums(long[][] ids) {
      return Arrays.stream(ids).mapToLong(row -> Arrays.stream(row).sum()).toArray();
    }
  }

  // ---- float64

  /** {@code y = x * factor}, input {@code x} float64 (batch, 2), output {@code y} float64. */
  public static DoubleScale doubleScale(double factor) {
    return new DoubleScale(factor);
  }

  /**
   * The float64 model.
   *
   * @param factor every element is multiplied by it
   */
  public record DoubleScale(double factor) implements TestModel {
    @Override
    public OnnxGraphBuilder graph() {
      return new OnnxGraphBuilder("double_scale")
          .input("x", OnnxGraphBuilder.DOUBLE, "batch", 2)
          .doubles("factor", new double[] {factor}, 1)
          .node("Mul", new String[] {"x", "factor"}, new String[] {"y"})
          .output("y", OnnxGraphBuilder.DOUBLE, "batch", 2);
    }
  }

  private static float[] randoms(Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextGaussian() * 0.5);
    }
    return out;
  }
}
