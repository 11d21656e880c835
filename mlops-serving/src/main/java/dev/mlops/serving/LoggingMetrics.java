package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import dev.mlops.LoggingStats;
import dev.mlops.Mlops;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.ref.WeakReference;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The health of an {@link Mlops}'s background logging ({@link Mlops#loggingStats()}) as Micrometer
 * meters, for dashboards and alerts.
 *
 * <pre>{@code
 * MeterRegistry registry = ...;                     // Prometheus, OTLP, Datadog, ...
 * new LoggingMetrics(mlops, Tags.of("job", "training")).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>unit</th><th>what</th></tr>
 *   <tr><td>{@code mlops.logging.queue.depth}</td><td>gauge</td><td>points</td>
 *       <td>logged, not yet taken by the writer; tagged {@code backpressure=block|spill}</td></tr>
 *   <tr><td>{@code mlops.logging.queue.capacity}</td><td>gauge</td><td>points</td>
 *       <td>size of the in-memory queue; same tag</td></tr>
 *   <tr><td>{@code mlops.logging.points.sent}</td><td>counter</td><td></td>
 *       <td>points the backend accepted</td></tr>
 *   <tr><td>{@code mlops.logging.batches.sent}</td><td>counter</td><td></td>
 *       <td>successful batch writes</td></tr>
 *   <tr><td>{@code mlops.logging.points.failed}</td><td>counter</td><td></td>
 *       <td>points rejected or not written before close</td></tr>
 *   <tr><td>{@code mlops.logging.retries}</td><td>counter</td><td></td>
 *       <td>batch writes retried after a transient failure</td></tr>
 *   <tr><td>{@code mlops.logging.journal.bytes}</td><td>gauge</td><td>bytes</td>
 *       <td>journal not yet accepted by the backend</td></tr>
 * </table>
 *
 * <p>What to alert on: any increase of {@code points.failed} (points were lost: read {@link
 * LoggingStats#lastErrorMessage()} or an {@code onLoggingError} listener for why); a steady rate of
 * {@code retries} or a growing {@code journal.bytes} (the backend is down or throttling); a {@code
 * queue.depth} near {@code queue.capacity} (with {@code BLOCK}, logging calls wait). The last
 * error's text is not a meter.
 *
 * <p>Every meter reads a fresh {@link LoggingStats} when it is read (a few counter reads, no I/O).
 * The meters hold the {@code Mlops} weakly, as Micrometer's own binders hold what they measure:
 * they never keep it alive. After {@link Mlops#close()} they report its final figures; once it is
 * garbage collected, gauges read {@code NaN} and counters keep their last values. Each {@code
 * Mlops} needs its own tags when several are bound to one registry. Thread-safe; may be bound to
 * several registries.
 */
public final class LoggingMetrics implements MeterBinder {

  private final WeakReference<Mlops> mlops;
  private final Tags tags;
  private final String backpressure;

  /** Meters for {@code mlops}, with no extra tags. */
  public LoggingMetrics(Mlops mlops) {
    this(mlops, Tags.empty());
  }

  /**
   * Meters for {@code mlops}.
   *
   * @param tags added to every meter, e.g. {@code Tags.of("job", "training")}
   * @throws InvalidInputException when {@code mlops} or {@code tags} is null
   */
  public LoggingMetrics(Mlops mlops, Iterable<Tag> tags) {
    if (mlops == null) {
      throw new InvalidInputException(
          "mlops is null: pass the open Mlops whose logging the meters should report");
    }
    if (tags == null) {
      throw new InvalidInputException(
          "tags is null: pass Tags.empty() (or use new LoggingMetrics(mlops)) for no extra tags");
    }
    this.mlops = new WeakReference<>(mlops);
    this.tags = Tags.of(tags);
    this.backpressure = mlops.loggingStats().backpressure().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Registers the meters; nothing when the {@code Mlops} was already garbage collected.
   *
   * @throws InvalidInputException when {@code registry} is null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    if (registry == null) {
      throw new InvalidInputException(
          "registry is null: pass the MeterRegistry the logging meters should be registered in");
    }
    Mlops m = mlops.get();
    if (m == null) {
      return;
    }
    gauge(m, "queue.depth", LoggingStats::queueDepth, "points")
        .description("Points logged and not yet taken by the background writer")
        .tag("backpressure", backpressure)
        .register(registry);
    gauge(m, "queue.capacity", LoggingStats::queueCapacity, "points")
        .description("The most points the in-memory logging queue holds")
        .tag("backpressure", backpressure)
        .register(registry);
    gauge(m, "journal.bytes", LoggingStats::journalBytes, BaseUnits.BYTES)
        .description("Bytes in the local logging journal not yet accepted by the backend")
        .register(registry);
    counter(m, "points.sent", LoggingStats::pointsSent, "Points the backend accepted")
        .register(registry);
    counter(m, "batches.sent", LoggingStats::batchesSent, "Successful batch writes")
        .register(registry);
    counter(
            m,
            "points.failed",
            LoggingStats::pointsFailed,
            "Points the backend rejected or that could not be written before close")
        .register(registry);
    counter(
            m,
            "retries",
            LoggingStats::retries,
            "Batch writes retried after a transient failure (outage, throttling)")
        .register(registry);
  }

  private Gauge.Builder<Mlops> gauge(
      Mlops m, String name, ToLongFunction<LoggingStats> figure, String unit) {
    return Gauge.builder("mlops.logging." + name, m, x -> figure.applyAsLong(x.loggingStats()))
        .baseUnit(unit)
        .tags(tags);
  }

  private FunctionCounter.Builder<Mlops> counter(
      Mlops m, String name, ToLongFunction<LoggingStats> figure, String description) {
    return FunctionCounter.builder(
            "mlops.logging." + name, m, x -> figure.applyAsLong(x.loggingStats()))
        .description(description)
        .tags(tags);
  }

  @Override
  public String toString() {
    return "LoggingMetrics[tags=" + tags + ", backpressure=" + backpressure + "]";
  }
}
