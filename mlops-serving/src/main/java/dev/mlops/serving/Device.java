package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import java.util.Locale;

/**
 * Where ONNX Runtime runs a model.
 *
 * <ul>
 *   <li>{@link #auto()} (the default): the CUDA execution provider on GPU 0 when the {@code
 *       onnxruntime_gpu} artifact is on the classpath and a GPU answers, else the CPU;
 *   <li>{@link #cpu()}: always the CPU;
 *   <li>{@link #cuda(int)}: that GPU, or a failure saying what is missing.
 * </ul>
 *
 * <p>The device actually chosen is logged when a model loads and returned by {@link
 * dev.mlops.model.Predictor#device()}. Immutable.
 *
 * @param kind which kind of device
 * @param id the GPU ordinal for {@link Kind#CUDA}; 0 otherwise
 */
public record Device(Kind kind, int id) {

  /** The kinds of device. */
  public enum Kind {
    /** CUDA when available, else CPU. */
    AUTO,
    /** The CPU execution provider. */
    CPU,
    /** The CUDA execution provider on one GPU. */
    CUDA
  }

  public Device {
    if (kind == null) {
      throw new InvalidInputException("Device kind must not be null: use Device.auto().");
    }
    if (id < 0) {
      throw new InvalidInputException("GPU id " + id + " is negative: GPUs are numbered from 0.");
    }
  }

  /** CUDA on GPU 0 when available, else CPU. */
  public static Device auto() {
    return new Device(Kind.AUTO, 0);
  }

  /** The CPU. */
  public static Device cpu() {
    return new Device(Kind.CPU, 0);
  }

  /** CUDA on GPU {@code id}; loading fails when it is not available. */
  public static Device cuda(int id) {
    return new Device(Kind.CUDA, id);
  }

  /**
   * Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:<id>} (as {@link #toString()}
   * writes them).
   */
  public static Device parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("auto")) {
      return auto();
    }
    if (t.equals("cpu")) {
      return cpu();
    }
    if (t.equals("cuda") || t.equals("gpu")) {
      return cuda(0);
    }
    if (t.startsWith("cuda:")) {
      try {
        return cuda(Integer.parseInt(t.substring(5)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new InvalidInputException(
        "Device '" + text + "' is not one of auto, cpu, cuda, cuda:<gpu id> (e.g. cuda:1).");
  }

  @Override
  public String toString() {
    return switch (kind) {
      case AUTO -> "auto";
      case CPU -> "cpu";
      case CUDA -> "cuda:" + id;
    };
  }
}
