package dev.mlops.serving;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Predictor} over one ONNX Runtime session. Usually made by {@link Predictors#load}; open
 * a file directly with {@link #open(Path, PredictorOptions)}.
 *
 * <pre>{@code
 * try (OnnxPredictor p = OnnxPredictor.open(Path.of("model.onnx"), PredictorOptions.defaults())) {
 *   System.out.println(p.device());          // CUDA:0 or CPU
 *   float[][] y = p.predict(new float[][] {{1, 2, 3, 4}});
 * }
 * }</pre>
 *
 * <p>The signature is the session's own inputs and outputs (non-tensor ones are left out); inputs
 * are checked against it before each run. Every native tensor and result is closed before {@code
 * predict} returns. Thread-safe: ONNX Runtime runs concurrent calls on one session. {@link
 * #close()} waits for calls in progress, then frees the session; later calls fail.
 */
public final class OnnxPredictor implements Predictor {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxPredictor.class);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelSignature signature;
  private final String device;
  private final String source;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object closeLock = new Object();
  private volatile boolean closed;

  private OnnxPredictor(
      OrtEnvironment env,
      OrtSession session,
      ModelSignature signature,
      String device,
      String source) {
    this.env = env;
    this.session = session;
    this.signature = signature;
    this.device = device;
    this.source = source;
  }

  /**
   * Loads {@code onnxFile} on the device {@code options} asks for.
   *
   * @throws InvalidInputException when the file is missing or ONNX Runtime cannot load it
   * @throws BackendUnavailableException when CUDA was asked for explicitly and is not available
   */
  public static OnnxPredictor open(Path onnxFile, PredictorOptions options) {
    if (!Files.isRegularFile(onnxFile)) {
      throw new InvalidInputException(
          "ONNX file '" + onnxFile.toAbsolutePath() + "' does not exist. Check the path.");
    }
    // Native initialisation and session creation need a deep stack: see LargeStack.
    Placed placed =
        LargeStack.call(
            "mlops-onnx-load", () -> place(OrtEnvironment.getEnvironment(), onnxFile, options));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OnnxPredictor p;
    try {
      p =
          new OnnxPredictor(
              env,
              placed.session(),
              signatureOf(placed.session()),
              placed.device(),
              onnxFile.toString());
    } catch (RuntimeException e) {
      closeSession(placed.session());
      throw e;
    }
    LOG.info("Loaded {} on {} ({})", onnxFile, p.device, options);
    if (options.warmup()) {
      try {
        p.warmUp();
      } catch (RuntimeException e) {
        p.close();
        throw e;
      }
    }
    return p;
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  /** {@code CPU} or {@code CUDA:<id>}. */
  @Override
  public String device() {
    return device;
  }

  @Override
  public Map<String, Tensor> predict(Map<String, Tensor> inputs) {
    InputCheck.check(signature, inputs);
    enter();
    try {
      return run(inputs);
    } finally {
      exit();
    }
  }

  /** Runs once on zeros (variable dimensions set to 1), so the first real call is not slow. */
  void warmUp() {
    Map<String, Tensor> zeros = new LinkedHashMap<>();
    for (TensorSpec spec : signature.inputs()) {
      zeros.put(spec.name(), OrtTensors.zeros(spec));
    }
    predict(zeros);
  }

  private Map<String, Tensor> run(Map<String, Tensor> inputs) {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      for (TensorSpec spec : signature.inputs()) {
        feeds.put(spec.name(), OrtTensors.toOnnx(env, inputs.get(spec.name())));
      }
      try (OrtSession.Result result = session.run(feeds)) {
        NativeResources.RESULTS.incrementAndGet();
        try {
          Map<String, Tensor> out = new LinkedHashMap<>();
          for (Map.Entry<String, OnnxValue> e : result) {
            Tensor t = OrtTensors.fromOnnx(e.getValue());
            if (t != null) {
              out.put(e.getKey(), t);
            }
          }
          return Collections.unmodifiableMap(out);
        } finally {
          NativeResources.RESULTS.decrementAndGet();
        }
      }
    } catch (OrtException e) {
      throw new MlopsException(
          "ONNX Runtime failed to run "
              + source
              + " on "
              + describe(inputs)
              + ": "
              + e.getMessage(),
          e);
    } finally {
      OrtTensors.closeAll(feeds);
    }
  }

  private void enter() {
    inFlight.incrementAndGet();
    if (closed) {
      exit();
      throw new InvalidInputException(
          "This predictor for " + source + " is closed: load the model again to predict.");
    }
  }

  private void exit() {
    if (inFlight.decrementAndGet() == 0 && closed) {
      synchronized (closeLock) {
        closeLock.notifyAll();
      }
    }
  }

  /** Waits for calls in progress, then frees the session. Idempotent. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      boolean interrupted = false;
      while (inFlight.get() > 0) {
        try {
          closeLock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      closeSession(session);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    LOG.debug("Closed predictor for {}", source);
  }

  @Override
  public String toString() {
    return "OnnxPredictor[" + source + " on " + device + (closed ? ", closed]" : "]");
  }

  // ---- loading

  private record Placed(OrtSession session, String device) {}

  private static Placed place(OrtEnvironment env, Path file, PredictorOptions options) {
    Device device = options.device();
    boolean cuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    switch (device.kind()) {
      case CPU -> {
        return new Placed(session(env, file, options), "CPU");
      }
      case CUDA -> {
        if (!cuda) {
          throw new BackendUnavailableException(noCudaMessage(device));
        }
        try {
          return new Placed(cudaSession(env, file, options, device.id()), "CUDA:" + device.id());
        } catch (OrtException e) {
          throw new BackendUnavailableException(
              "CUDA GPU "
                  + device.id()
                  + " could not run "
                  + file
                  + ": "
                  + e.getMessage()
                  + ". Check the GPU id (nvidia-smi), the CUDA and cuDNN libraries ONNX Runtime "
                  + "needs, or load with Device.auto() to fall back to the CPU.",
              e);
        }
      }
      default -> {
        if (cuda) {
          try {
            return new Placed(cudaSession(env, file, options, 0), "CUDA:0");
          } catch (OrtException e) {
            LOG.warn(
                "CUDA is in this ONNX Runtime build but could not be used ({}); running {} on CPU",
                e.getMessage(),
                file);
          }
        } else {
          LOG.debug("No CUDA execution provider in this ONNX Runtime build; using CPU");
        }
        return new Placed(session(env, file, options), "CPU");
      }
    }
  }

  private static String noCudaMessage(Device device) {
    return "Device "
        + device
        + " was asked for, but this ONNX Runtime build has no CUDA execution provider. Replace the"
        + " dependency com.microsoft.onnxruntime:onnxruntime with"
        + " com.microsoft.onnxruntime:onnxruntime_gpu (same version) on a machine with an NVIDIA"
        + " GPU and CUDA, or use Device.auto() to fall back to the CPU.";
  }

  private static OrtSession cudaSession(
      OrtEnvironment env, Path file, PredictorOptions options, int gpu) throws OrtException {
    try (OrtSession.SessionOptions so = sessionOptions(options)) {
      so.addCUDA(gpu);
      OrtSession s = env.createSession(file.toString(), so);
      NativeResources.SESSIONS.incrementAndGet();
      return s;
    }
  }

  private static OrtSession session(OrtEnvironment env, Path file, PredictorOptions options) {
    try (OrtSession.SessionOptions so = sessionOptions(options)) {
      OrtSession s = env.createSession(file.toString(), so);
      NativeResources.SESSIONS.incrementAndGet();
      return s;
    } catch (OrtException e) {
      throw new InvalidInputException(
          "ONNX Runtime cannot load '"
              + file
              + "': "
              + e.getMessage()
              + ". Check that the file is a complete ONNX model (IR 3-13, opsets 7-26).",
          e);
    }
  }

  private static OrtSession.SessionOptions sessionOptions(PredictorOptions options)
      throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    try {
      if (options.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.interOpThreads() > 0) {
        so.setInterOpNumThreads(options.interOpThreads());
      }
      so.setOptimizationLevel(
          switch (options.optimization()) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
          });
      return so;
    } catch (OrtException | RuntimeException e) {
      so.close();
      throw e;
    }
  }

  private static ModelSignature signatureOf(OrtSession session) {
    try {
      return new ModelSignature(specs(session.getInputInfo()), specs(session.getOutputInfo()));
    } catch (OrtException e) {
      throw new MlopsException("Cannot read the model's inputs and outputs: " + e.getMessage(), e);
    }
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> nodes) {
    List<TensorSpec> out = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
      TensorSpec spec = OrtTensors.spec(e.getKey(), e.getValue());
      if (spec != null) {
        out.add(spec);
      }
    }
    return out;
  }

  private static void closeSession(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("Closing an ONNX Runtime session failed: {}", e.getMessage());
    } finally {
      NativeResources.SESSIONS.decrementAndGet();
    }
  }

  private static String describe(Map<String, Tensor> inputs) {
    StringBuilder sb = new StringBuilder("{");
    inputs.forEach(
        (k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(v));
    return sb.append('}').toString();
  }
}
