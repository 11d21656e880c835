package dev.mlops.internal.mlmodel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Python environment files MLflow writes beside a model, so that {@code mlflow models serve}
 * and {@code mlflow.pyfunc.load_model} can recreate what the {@code onnx} flavor needs: {@code
 * requirements.txt}, {@code python_env.yaml} and {@code conda.yaml}.
 */
final class PythonEnv {

  static final String CONDA_FILE = "conda.yaml";
  static final String VENV_FILE = "python_env.yaml";
  static final String REQUIREMENTS_FILE = "requirements.txt";

  /** The interpreter version recorded in the model; any 3.10+ loads an ONNX model the same. */
  static final String PYTHON_VERSION = "3.10.12";

  private static final String REQUIREMENTS = "mlflow\nonnx\nonnxruntime\n";

  private PythonEnv() {}

  static void write(Path dir) throws IOException {
    Files.writeString(dir.resolve(REQUIREMENTS_FILE), REQUIREMENTS);
    Files.writeString(
        dir.resolve(VENV_FILE),
        "python: "
            + PYTHON_VERSION
            + "\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r "
            + REQUIREMENTS_FILE
            + "\n");
    Files.writeString(
        dir.resolve(CONDA_FILE),
        "channels:\n- conda-forge\ndependencies:\n- python="
            + PYTHON_VERSION
            + "\n- pip\n- pip:\n  - mlflow\n  - onnx\n  - onnxruntime\nname: mlflow-env\n");
  }
}
