package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Predictors} loads a model.
 *
 * <pre>{@code
 * PredictorOptions options = PredictorOptions.builder()
 *     .device(Device.cuda(0))
 *     .intraOpThreads(4)
 *     .batching(Batching.of(64, Duration.ofMillis(2)))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@code device}</td><td>{@link Device#auto()}: CUDA when available, else CPU</td></tr>
 *   <tr><td>{@code intraOpThreads}</td><td>0: ONNX Runtime's default (one per core)</td></tr>
 *   <tr><td>{@code interOpThreads}</td><td>0: ONNX Runtime's default</td></tr>
 *   <tr><td>{@code optimization}</td><td>{@link OptimizationLevel#ALL}</td></tr>
 *   <tr><td>{@code warmup}</td><td>true: one prediction on zeros before the predictor is
 *       returned</td></tr>
 *   <tr><td>{@code batching}</td><td>none: each call runs alone</td></tr>
 * </table>
 *
 * <p>Immutable.
 */
public final class PredictorOptions {

  private static final PredictorOptions DEFAULTS = builder().build();

  private final Device device;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final OptimizationLevel optimization;
  private final boolean warmup;
  private final @Nullable Batching batching;

  private PredictorOptions(Builder b) {
    this.device = b.device;
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.optimization = b.optimization;
    this.warmup = b.warmup;
    this.batching = b.batching;
  }

  /** The defaults (see the table above). */
  public static PredictorOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Device device() {
    return device;
  }

  public int intraOpThreads() {
    return intraOpThreads;
  }

  public int interOpThreads() {
    return interOpThreads;
  }

  public OptimizationLevel optimization() {
    return optimization;
  }

  public boolean warmup() {
    return warmup;
  }

  public Optional<Batching> batching() {
    return Optional.ofNullable(batching);
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.device = device;
    b.intraOpThreads = intraOpThreads;
    b.interOpThreads = interOpThreads;
    b.optimization = optimization;
    b.warmup = warmup;
    b.batching = batching;
    return b;
  }

  /**
   * The settings a {@link dev.mlops.spi.PredictorFactory} receives: {@code device}, {@code
   * intraOpThreads}, {@code interOpThreads}, {@code optimization}, {@code warmup}. Batching is
   * applied around the factory's predictor, so it is not among them.
   */
  public Map<String, String> toSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("device", device.toString());
    m.put("intraOpThreads", Integer.toString(intraOpThreads));
    m.put("interOpThreads", Integer.toString(interOpThreads));
    m.put("optimization", optimization.name().toLowerCase(Locale.ROOT));
    m.put("warmup", Boolean.toString(warmup));
    return m;
  }

  /** Options from {@link #toSettings()}; missing names keep their defaults. */
  public static PredictorOptions fromSettings(Map<String, String> settings) {
    Builder b = builder();
    String v = settings.get("device");
    if (v != null) {
      b.device(Device.parse(v));
    }
    v = settings.get("intraOpThreads");
    if (v != null) {
      b.intraOpThreads(parseInt("intraOpThreads", v));
    }
    v = settings.get("interOpThreads");
    if (v != null) {
      b.interOpThreads(parseInt("interOpThreads", v));
    }
    v = settings.get("optimization");
    if (v != null) {
      try {
        b.optimization(OptimizationLevel.valueOf(v.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "optimization '" + v + "' is not one of none, basic, extended, all.");
      }
    }
    v = settings.get("warmup");
    if (v != null) {
      b.warmup(Boolean.parseBoolean(v.trim()));
    }
    return b.build();
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + " '" + value + "' is not a whole number.");
    }
  }

  @Override
  public String toString() {
    return "PredictorOptions" + toSettings() + (batching != null ? " with " + batching : "");
  }

  /** Builds {@link PredictorOptions}. */
  public static final class Builder {
    private Device device = Device.auto();
    private int intraOpThreads;
    private int interOpThreads;
    private OptimizationLevel optimization = OptimizationLevel.ALL;
    private boolean warmup = true;
    private @Nullable Batching batching;

    private Builder() {}

    /** Where to run (default {@link Device#auto()}). */
    public Builder device(Device device) {
      if (device == null) {
        throw new InvalidInputException("Device must not be null: use Device.auto().");
      }
      this.device = device;
      return this;
    }

    /** Threads for one operator; 0 for ONNX Runtime's default. */
    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = nonNegative("intraOpThreads", threads);
      return this;
    }

    /** Threads across independent operators; 0 for ONNX Runtime's default. */
    public Builder interOpThreads(int threads) {
      this.interOpThreads = nonNegative("interOpThreads", threads);
      return this;
    }

    /** Graph optimisation level (default {@link OptimizationLevel#ALL}). */
    public Builder optimization(OptimizationLevel level) {
      this.optimization = level;
      return this;
    }

    /** Whether to run one prediction before returning the predictor (default true). */
    public Builder warmup(boolean warmup) {
      this.warmup = warmup;
      return this;
    }

    /** Groups concurrent requests into batches. */
    public Builder batching(Batching batching) {
      this.batching = batching;
      return this;
    }

    /** Groups up to {@code maxBatchSize} rows arriving within {@code maxDelay}. */
    public Builder batching(int maxBatchSize, Duration maxDelay) {
      return batching(Batching.of(maxBatchSize, maxDelay));
    }

    /** Runs each call alone (the default). */
    public Builder noBatching() {
      this.batching = null;
      return this;
    }

    public PredictorOptions build() {
      return new PredictorOptions(this);
    }

    private static int nonNegative(String name, int value) {
      if (value < 0) {
        throw new InvalidInputException(name + " must be 0 (default) or more, got " + value + ".");
      }
      return value;
    }
  }
}
