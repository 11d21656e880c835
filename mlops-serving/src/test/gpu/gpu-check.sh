#!/usr/bin/env bash
# Checks mlops-serving on an NVIDIA GPU: swaps the CPU onnxruntime jar for onnxruntime_gpu, then
# runs GpuCheck.java, which checks that Device.auto() picks CUDA and that CUDA predictions match
# the CPU's, and prints timings.
#
#   mlops-serving/src/test/gpu/gpu-check.sh            # from anywhere in the repository
#   ORT_GPU_JAR=/path/onnxruntime_gpu-1.29.0.jar mlops-serving/src/test/gpu/gpu-check.sh   # offline
#
# Needs: a JDK 17+, an NVIDIA driver (nvidia-smi), and the CUDA 12 + cuDNN 9 runtime libraries that
# onnxruntime_gpu 1.29 loads (on LD_LIBRARY_PATH). Without ORT_GPU_JAR the GPU jar (~640 MB) is
# downloaded with Maven into ~/.m2; MVN_FLAGS=-o builds offline from a filled ~/.m2.
# Exit codes: 0 passed, 1 a check failed, 2 no GPU/CUDA or missing tools, 3 build failed.
set -euo pipefail

ORT_VERSION="${ORT_VERSION:-1.29.0}"
read -r -a MVN_FLAGS <<< "${MVN_FLAGS:-}"
ROOT="$(cd "$(dirname "$0")/../../../.." && pwd)"
WORK="$ROOT/mlops-serving/target/gpu-check"
cd "$ROOT"

die() { echo "gpu-check: $2" >&2; exit "$1"; }

command -v java >/dev/null || die 2 "no java on PATH: install a JDK 17+."
command -v javac >/dev/null || die 2 "no javac on PATH: install a JDK 17+ (not just a JRE)."
command -v nvidia-smi >/dev/null || die 2 "nvidia-smi not found: this machine has no NVIDIA driver, so no GPU to check."
if ! nvidia-smi -L 2>/dev/null | grep -q "GPU"; then
  die 2 "nvidia-smi lists no GPU: $(nvidia-smi -L 2>&1 | head -1)"
fi
echo "== GPUs"
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader

echo "== Building mlops-serving and its test kit (no tests)"
mkdir -p "$WORK"
./mvnw -q -B ${MVN_FLAGS[@]+"${MVN_FLAGS[@]}"} -DskipTests -pl mlops-serving -am package \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" \
  || die 3 "the Maven build failed (see above)."

if [[ -z "${ORT_GPU_JAR:-}" ]]; then
  ORT_GPU_JAR="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime_gpu/$ORT_VERSION/onnxruntime_gpu-$ORT_VERSION.jar"
  if [[ ! -f "$ORT_GPU_JAR" ]]; then
    echo "== Downloading com.microsoft.onnxruntime:onnxruntime_gpu:$ORT_VERSION (~640 MB)"
    ./mvnw -q -B ${MVN_FLAGS[@]+"${MVN_FLAGS[@]}"} dependency:get -Dartifact="com.microsoft.onnxruntime:onnxruntime_gpu:$ORT_VERSION" -Dtransitive=false \
      || die 2 "could not download onnxruntime_gpu $ORT_VERSION; download it elsewhere and set ORT_GPU_JAR."
  fi
fi
[[ -f "$ORT_GPU_JAR" ]] || die 2 "ORT_GPU_JAR=$ORT_GPU_JAR is not a file."

# The module's classpath, with the CPU onnxruntime jar replaced by the GPU one.
CP="$(tr ':' '\n' < "$WORK/classpath.txt" | grep -v '/onnxruntime-[0-9][^/]*\.jar$' | paste -sd: -)"
for m in mlops-core mlops-testkit mlops-serving; do
  CP="$ROOT/$m/target/classes:$CP"
done
CP="$ORT_GPU_JAR:$CP"
if tr ':' '\n' <<<"$CP" | grep -q '/onnxruntime-[0-9]'; then
  die 3 "the CPU onnxruntime jar is still on the classpath; refusing to run a meaningless check."
fi

echo "== Compiling GpuCheck"
mkdir -p "$WORK/classes" "$WORK/tmp"
javac -d "$WORK/classes" -cp "$CP" "$ROOT/mlops-serving/src/test/gpu/GpuCheck.java" \
  || die 3 "GpuCheck.java did not compile."

echo "== Running GpuCheck"
set +e
java -Djava.io.tmpdir="$WORK/tmp" -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
  -cp "$WORK/classes:$CP" GpuCheck
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "gpu-check: FAILED (exit $rc)" >&2
  exit 1
fi
echo "gpu-check: passed"
