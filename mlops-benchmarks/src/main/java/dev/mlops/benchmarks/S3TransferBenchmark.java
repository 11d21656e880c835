package dev.mlops.benchmarks;

import dev.mlops.ArtifactStore;
import dev.mlops.s3.S3ArtifactStoreProvider;
import dev.mlops.spi.BackendContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.jspecify.annotations.Nullable;

/**
 * Moves one large file up to and down from a loopback S3Proxy with three clients in the same run:
 * this SDK's {@code s3://} store, {@code aws s3 cp} and {@code rclone copyto}, and prints MiB/s,
 * the ratios against the faster tool, and this JVM's peak heap during our transfers.
 *
 * <p>S3Proxy runs in a child JVM (a filesystem blob store under the work directory), so this JVM's
 * heap holds only our client. Run it with {@code run-s3-transfer-benchmark.sh} beside this file,
 * which installs the tools when missing, caps the heap at 256 MiB and cleans up. System properties:
 * {@code bench.s3.sizeMiB} (1024), {@code bench.s3.trials} (3), {@code bench.s3.dir} (a temporary
 * directory, deleted at the end), {@code bench.s3.tools} ({@code aws,rclone}: the tools to compare
 * with). Tools that are not installed are reported and skipped.
 *
 * <p>Timings are wall clock around each whole transfer; for the two command-line tools they include
 * the process start, measured separately and printed so it can be taken off.
 */
public final class S3TransferBenchmark {

  private static final String ACCESS_KEY = "bench-access";
  private static final String SECRET_KEY = "bench-secret";
  private static final String BUCKET = "bench";
  private static final long MIB = 1024 * 1024;
  private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

  private S3TransferBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--serve")) {
      serve(Path.of(args[1]));
      return;
    }
    long sizeMiB = Long.getLong("bench.s3.sizeMiB", 1024);
    int trials = Integer.getInteger("bench.s3.trials", 3);
    String dirProperty = System.getProperty("bench.s3.dir");
    Path work =
        dirProperty != null
            ? Files.createDirectories(Path.of(dirProperty).toAbsolutePath())
            : Files.createTempDirectory("s3-bench");
    try {
      new Run(work, sizeMiB * MIB, trials).run();
    } finally {
      deleteTree(work);
    }
  }

  /** The server side: S3Proxy on a free loopback port; prints it, stops when stdin closes. */
  private static void serve(Path blobs) throws Exception {
    Files.createDirectories(blobs);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(blobs.toString()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(10);
    }
    System.out.println("PORT " + proxy.getPort());
    System.out.flush();
    System.in.transferTo(OutputStream.nullOutputStream());
    proxy.stop();
  }

  /** Results of one client. */
  private static final class Result {
    final String tool;
    final List<Double> up = new ArrayList<>();
    final List<Double> down = new ArrayList<>();
    final List<Double> upCpu = new ArrayList<>();
    final List<Double> downCpu = new ArrayList<>();

    Result(String tool) {
      this.tool = tool;
    }
  }

  private static final class Run {
    private final Path work;
    private final long size;
    private final int trials;
    private final Path source;
    private String endpoint = "";
    private long peakHeap;

    Run(Path work, long size, int trials) {
      this.work = work;
      this.size = size;
      this.trials = trials;
      this.source = work.resolve("source.bin");
    }

    void run() throws Exception {
      writeSource(source, size);
      String sourceSha = sha256(source);
      Process server = startServer();
      try (ServerContext context = new ServerContext(endpoint);
          ArtifactStore store = new S3ArtifactStoreProvider().create("s3://" + BUCKET, context)) {
        createBucket(store);
        warmUp(store);
        Map<String, Result> results = new LinkedHashMap<>();
        results.put("mlops-s3", new Result("mlops-s3"));
        String tools = System.getProperty("bench.s3.tools", "aws,rclone");
        boolean aws = tools.contains("aws") && available("aws", "--version");
        boolean rclone = tools.contains("rclone") && available("rclone", "version");
        if (aws) {
          results.put("aws s3 cp", new Result("aws s3 cp"));
        }
        if (rclone) {
          results.put("rclone copyto", new Result("rclone copyto"));
        }
        Map<String, Double> startup = new LinkedHashMap<>();
        if (aws) {
          startup.put("aws s3 cp", seconds(() -> exec(awsCommand("s3", "ls", "s3://" + BUCKET))));
        }
        if (rclone) {
          startup.put(
              "rclone copyto", seconds(() -> exec(rcloneCommand("lsf", "bench:" + BUCKET))));
        }
        for (int trial = 1; trial <= trials; trial++) {
          ours(store, results.get("mlops-s3"), sourceSha, trial == 1);
          if (aws) {
            tool(results.get("aws s3 cp"), "aws/source.bin", this::awsUp, this::awsDown);
          }
          if (rclone) {
            tool(
                results.get("rclone copyto"),
                "rclone/source.bin",
                this::rcloneUp,
                this::rcloneDown);
          }
          System.out.printf(Locale.ROOT, "trial %d of %d done%n", trial, trials);
        }
        report(results, startup, aws, rclone);
      } finally {
        server.getOutputStream().close();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }

    private Process startServer() throws IOException, InterruptedException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xmx1g",
                  "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                  "-cp",
                  System.getProperty("java.class.path"),
                  S3TransferBenchmark.class.getName(),
                  "--serve",
                  work.resolve("blobs").toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("PORT ")) {
          endpoint = "http://127.0.0.1:" + line.substring(5).trim();
          return p;
        }
      }
      throw new IOException("S3Proxy did not start; exit code " + p.waitFor());
    }

    private void createBucket(ArtifactStore store) throws Exception {
      exec(rcloneOrAwsMakeBucket());
      store.list("");
    }

    private List<String> rcloneOrAwsMakeBucket() {
      if (available("aws", "--version")) {
        return awsCommand("s3", "mb", "s3://" + BUCKET);
      }
      if (available("rclone", "version")) {
        return rcloneCommand("mkdir", "bench:" + BUCKET);
      }
      throw new IllegalStateException(
          "Neither aws nor rclone is installed: run run-s3-transfer-benchmark.sh, which installs"
              + " them.");
    }

    /** One round trip of 64 MiB, so the JIT has compiled the transfer path before timing. */
    private void warmUp(ArtifactStore store) throws IOException {
      Path small = work.resolve("warm.bin");
      writeSource(small, Math.min(size, 64 * MIB));
      store.upload(small, "warm/warm.bin");
      Path got = store.download("warm/warm.bin", work.resolve("down"));
      Files.delete(got);
      Files.delete(small);
      store.delete("warm");
    }

    private void ours(ArtifactStore store, Result r, String sha, boolean verify) throws Exception {
      resetPeaks();
      long cpu = processCpuNanos();
      r.up.add(rate(seconds(() -> store.upload(source, "mlops/source.bin"))));
      r.upCpu.add((processCpuNanos() - cpu) / 1e9);
      Path down = work.resolve("down");
      cpu = processCpuNanos();
      r.down.add(rate(seconds(() -> store.download("mlops/source.bin", down))));
      r.downCpu.add((processCpuNanos() - cpu) / 1e9);
      peakHeap = Math.max(peakHeap, peakHeapUsed());
      Path got = down.resolve("source.bin");
      check(got, verify ? sha : null);
      Files.delete(got);
      store.delete("mlops");
    }

    /** Runs a tool's transfer; returns the CPU seconds it used. */
    private interface Transfer {
      double run(String key, Path local) throws Exception;
    }

    private void tool(Result r, String key, Transfer up, Transfer down) throws Exception {
      double[] cpu = new double[1];
      r.up.add(rate(seconds(() -> cpu[0] = up.run(key, source))));
      r.upCpu.add(cpu[0]);
      Path got = work.resolve("down").resolve("tool.bin");
      Files.createDirectories(got.getParent());
      r.down.add(rate(seconds(() -> cpu[0] = down.run(key, got))));
      r.downCpu.add(cpu[0]);
      check(got, null);
      Files.delete(got);
      exec(rcloneOrAwsDelete(key));
    }

    private List<String> rcloneOrAwsDelete(String key) {
      return available("aws", "--version")
          ? awsCommand("s3", "rm", "s3://" + BUCKET + "/" + key)
          : rcloneCommand("deletefile", "bench:" + BUCKET + "/" + key);
    }

    private double awsUp(String key, Path local) throws Exception {
      return exec(
          awsCommand(
              "s3", "cp", "--only-show-errors", local.toString(), "s3://" + BUCKET + "/" + key));
    }

    private double awsDown(String key, Path local) throws Exception {
      return exec(
          awsCommand(
              "s3", "cp", "--only-show-errors", "s3://" + BUCKET + "/" + key, local.toString()));
    }

    private double rcloneUp(String key, Path local) throws Exception {
      return exec(rcloneCommand("copyto", local.toString(), "bench:" + BUCKET + "/" + key));
    }

    private double rcloneDown(String key, Path local) throws Exception {
      return exec(rcloneCommand("copyto", "bench:" + BUCKET + "/" + key, local.toString()));
    }

    private List<String> awsCommand(String... args) {
      List<String> c = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint));
      c.addAll(List.of(args));
      return c;
    }

    private List<String> rcloneCommand(String... args) {
      List<String> c =
          new ArrayList<>(List.of("rclone", "--config", work.resolve("empty.conf").toString()));
      c.addAll(List.of(args));
      return c;
    }

    /**
     * Runs a tool with credentials and configuration for the local server only; returns the CPU
     * seconds (user and system) it used, as bash's {@code times} reports them.
     */
    private double exec(List<String> command) throws Exception {
      List<String> timed =
          new ArrayList<>(List.of("bash", "-c", "\"$@\"; rc=$?; times; exit $rc", "bash"));
      timed.addAll(command);
      ProcessBuilder pb = new ProcessBuilder(timed).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("RCLONE_"));
      Path empty = work.resolve("empty.conf");
      if (!Files.exists(empty)) {
        Files.writeString(empty, "");
      }
      env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
      env.put("AWS_DEFAULT_REGION", "us-east-1");
      env.put("AWS_CONFIG_FILE", empty.toString());
      env.put("AWS_SHARED_CREDENTIALS_FILE", empty.toString());
      env.put("AWS_EC2_METADATA_DISABLED", "true");
      env.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
      env.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
      env.put("RCLONE_CONFIG_BENCH_ENDPOINT", endpoint);
      env.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", ACCESS_KEY);
      env.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", SECRET_KEY);
      env.put("RCLONE_CONFIG_BENCH_REGION", "us-east-1");
      env.put("RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE", "true");
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed:\n" + output);
      }
      String[] lines = output.strip().split("\n");
      Matcher m = TIMES.matcher(lines[lines.length - 1]);
      if (!m.matches()) {
        return Double.NaN;
      }
      return Integer.parseInt(m.group(1)) * 60
          + Double.parseDouble(m.group(2))
          + Integer.parseInt(m.group(3)) * 60
          + Double.parseDouble(m.group(4));
    }

    private static boolean available(String tool, String versionArg) {
      try {
        Process p = new ProcessBuilder(tool, versionArg).redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        return p.waitFor() == 0;
      } catch (IOException | InterruptedException e) {
        return false;
      }
    }

    private void check(Path got, @Nullable String sha) throws Exception {
      if (Files.size(got) != size) {
        throw new IllegalStateException(got + " has " + Files.size(got) + " bytes, not " + size);
      }
      if (sha != null && !sha.equals(sha256(got))) {
        throw new IllegalStateException(got + " differs from the source");
      }
    }

    private double rate(double seconds) {
      return size / (double) MIB / seconds;
    }

    private void report(
        Map<String, Result> results, Map<String, Double> startup, boolean aws, boolean rclone) {
      System.out.printf(
          Locale.ROOT,
          "%nS3 transfer benchmark: %d MiB file, %d trial(s), loopback S3Proxy %s, %d CPUs%n",
          size / MIB,
          trials,
          endpoint,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          Locale.ROOT,
          "%-16s %10s %10s %12s %12s   %s%n",
          "client",
          "up MiB/s",
          "down MiB/s",
          "up CPU s",
          "down CPU s",
          "(each trial: up / down MiB/s)");
      for (Result r : results.values()) {
        System.out.printf(
            Locale.ROOT,
            "%-16s %10.1f %10.1f %12.2f %12.2f   (%s / %s)%n",
            r.tool,
            median(r.up),
            median(r.down),
            median(r.upCpu),
            median(r.downCpu),
            format(r.up),
            format(r.down));
      }
      Result ours = results.get("mlops-s3");
      double bestUp = 0;
      double bestDown = 0;
      for (Result r : results.values()) {
        if (r != ours) {
          bestUp = Math.max(bestUp, median(r.up));
          bestDown = Math.max(bestDown, median(r.down));
        }
      }
      if (bestUp > 0) {
        System.out.printf(
            Locale.ROOT,
            "ratio ours / faster tool: up %.2f, down %.2f%n",
            median(ours.up) / bestUp,
            median(ours.down) / bestDown);
      }
      for (Map.Entry<String, Double> e : startup.entrySet()) {
        System.out.printf(
            Locale.ROOT,
            "start-up of %s (one listing): %.2f s, included in its timings%n",
            e.getKey(),
            e.getValue());
      }
      if (!aws) {
        System.out.println("aws: not installed or not asked for, skipped");
      }
      if (!rclone) {
        System.out.println("rclone: not installed or not asked for, skipped");
      }
      System.out.printf(
          Locale.ROOT,
          "mlops-s3 peak heap during transfers: %.1f MiB (sum of heap pool peaks; -Xmx %d MiB)%n",
          peakHeap / (double) MIB,
          Runtime.getRuntime().maxMemory() / MIB);
    }
  }

  /** A {@link BackendContext} for the benchmark: the server's settings and shared clients. */
  private static final class ServerContext implements BackendContext, AutoCloseable {
    private final Map<String, String> settings;
    private final Map<String, AutoCloseable> shared = new LinkedHashMap<>();

    ServerContext(String endpoint) {
      settings =
          Map.of(
              "MLFLOW_S3_ENDPOINT_URL", endpoint,
              "AWS_ACCESS_KEY_ID", ACCESS_KEY,
              "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
              "AWS_REGION", "us-east-1");
    }

    @Override
    public String uri() {
      return "s3://" + BUCKET;
    }

    @Override
    public URI parsedUri() {
      return URI.create(uri());
    }

    @Override
    public Optional<String> setting(String name) {
      String v = settings.get(name);
      return Optional.ofNullable(v != null ? v : System.getenv(name));
    }

    @Override
    public Optional<String> artifactRoot() {
      return Optional.empty();
    }

    @Override
    public Path workingDirectory() {
      return Path.of(".");
    }

    @Override
    public synchronized <T extends AutoCloseable> T shared(
        String key, Class<T> type, Supplier<T> factory) {
      return type.cast(shared.computeIfAbsent(key, k -> factory.get()));
    }

    @Override
    public ArtifactStore artifactStore(String artifactUri) {
      return new S3ArtifactStoreProvider().create(artifactUri, this);
    }

    @Override
    public void close() {
      for (AutoCloseable c : shared.values()) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing " + c + " failed", e);
        }
      }
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  private static double seconds(Body body) throws Exception {
    long start = System.nanoTime();
    body.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static void writeSource(Path file, long size) throws IOException {
    Files.createDirectories(file.getParent());
    SplittableRandom random = new SplittableRandom(42);
    byte[] buf = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        for (int i = 0; i < buf.length; i += 8) {
          long v = random.nextLong();
          for (int j = 0; j < 8; j++) {
            buf[i + j] = (byte) (v >>> (8 * j));
          }
        }
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[(int) MIB];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeapUsed() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int n = sorted.size();
    return n == 0
        ? 0
        : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String format(List<Double> values) {
    StringBuilder b = new StringBuilder();
    for (double v : values) {
      b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", v));
    }
    return b.toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
