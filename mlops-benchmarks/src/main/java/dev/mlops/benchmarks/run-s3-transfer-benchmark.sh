#!/usr/bin/env bash
# Runs S3TransferBenchmark: our s3:// store vs `aws s3 cp` vs `rclone copyto` against one loopback
# S3Proxy, the same file up and down. Installs the Debian packages awscli and rclone when missing,
# builds the module, caps our heap at 256 MiB and removes its files afterwards.
#   SIZE_MIB=1024 TRIALS=3 mlops-benchmarks/src/main/java/dev/mlops/benchmarks/run-s3-transfer-benchmark.sh
# Needs about 4 x SIZE_MIB of free disk under WORK_DIR (default: mlops-benchmarks/target/s3-bench).
set -euo pipefail
cd "$(dirname "$0")/../../../../../../.."

need=()
command -v aws >/dev/null 2>&1 || need+=(awscli)
command -v rclone >/dev/null 2>&1 || need+=(rclone)
if ((${#need[@]})); then
  echo "Installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
aws --version 2>&1 | head -1
rclone version 2>&1 | head -1

# One reactor build: compiles the modules and writes each one's classpath (sibling modules as
# their target/classes) to target/s3-bench.classpath.
./mvnw -q -pl mlops-benchmarks -am -DskipTests -Dspotless.check.skip=true \
  compile dependency:build-classpath -Dmdep.outputFile=target/s3-bench.classpath

work="${WORK_DIR:-mlops-benchmarks/target/s3-bench}"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cp="mlops-benchmarks/target/classes:$(cat mlops-benchmarks/target/s3-bench.classpath)"
java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dbench.s3.sizeMiB="${SIZE_MIB:-1024}" -Dbench.s3.trials="${TRIALS:-3}" -Dbench.s3.dir="$work" \
  -Dbench.s3.tools="${TOOLS:-aws,rclone}" \
  -cp "$cp" dev.mlops.benchmarks.S3TransferBenchmark
