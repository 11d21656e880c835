package dev.mlops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import dev.mlops.testkit.onnx.OnnxTestModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> PROPERTIES =
      List.of("mlops.tracking.uri", "mlops.artifact.root", "mlops.cache.dir");

  @TempDir Path dir;

  @BeforeEach
  void pointDefaultsAtTempDir() {
    System.setProperty("mlops.tracking.uri", "sqlite:///" + dir.resolve("mlflow.db"));
    System.setProperty("mlops.artifact.root", dir.resolve("mlruns").toString());
    System.setProperty("mlops.cache.dir", dir.resolve("cache").toString());
  }

  @AfterEach
  void restore() {
    PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  @DisplayName("every Java block in the README is code from ReadmeExample, and it runs")
  void readmeBlocksAreCompiledAndRun() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<List<String>> regions =
        regions(
            Files.readAllLines(
                ROOT.resolve("examples/src/main/java/dev/mlops/examples/ReadmeExample.java")));
    List<List<String>> blocks = javaBlocks(readme);
    assertThat(blocks).isNotEmpty();
    for (List<String> block : blocks) {
      assertThat(regions).as("README block not found in ReadmeExample:%n%s", block).contains(block);
    }
    assertThat(blocks).containsAll(regions);

    Path modelDir = Files.createDirectories(dir.resolve("trained"));
    Files.writeString(modelDir.resolve("weights.json"), "{\"w\": [1, 2]}");
    ReadmeExample.trackAndRegister(modelDir);
    ReadmeExample.loadChampion();
    try (Mlops mlops = Mlops.open()) {
      ModelVersion champion = mlops.registry().getModelVersionByAlias("fraud", "champion");
      assertThat(champion.version()).isEqualTo(1);
      assertThat(champion.source()).endsWith("/model");
      assertThat(mlops.models().download("models:/fraud@champion").resolve("weights.json"))
          .hasContent("{\"w\": [1, 2]}");
    }
  }

  @Test
  @DisplayName("the serving blocks log an ONNX model, load it by alias and follow the alias")
  void servingBlocksRun() {
    Path onnx =
        OnnxTestModels.linear(new float[] {1, 2, 3, 4}, 0).writeTo(dir.resolve("model.onnx"));
    ReadmeExample.logOnnxModel(onnx);
    ReadmeExample.serveChampion();
    ReadmeExample.followChampion();
    try (Mlops mlops = Mlops.open()) {
      assertThat(mlops.registry().getModelVersionByAlias("fraud-onnx", "champion").version())
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName("the logging-meters block binds LoggingMetrics and counts the point it logged")
  void loggingMetersBlockRuns() {
    MeterRegistry registry = new SimpleMeterRegistry();
    ReadmeExample.loggingMeters(registry);
    assertThat(
            registry
                .get("mlops.logging.points.sent")
                .tag("job", "training")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("mlops.logging.queue.depth").tag("job", "training").gauges())
        .hasSize(1);
  }

  @Test
  @DisplayName("the README's two commands are the ones the build and CI define")
  void readmeCommandsExist() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    String ci = Files.readString(ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
    assertThat(readme)
        .contains("./mvnw -B verify")
        .contains("./mvnw -q -Pquickstart -DskipTests package");
    assertThat(ci).contains("./mvnw -B verify");
    assertThat(Files.readString(ROOT.resolve("examples/pom.xml"))).contains("<id>quickstart</id>");
  }

  static Mlops open(Path dir) {
    return Mlops.builder()
        .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
        .workingDirectory(dir)
        .cacheDir(dir.resolve("cache"))
        .build();
  }

  private static List<List<String>> regions(List<String> lines) {
    List<List<String>> out = new ArrayList<>();
    List<String> current = null;
    for (String line : lines) {
      String s = line.strip();
      if (s.equals("// readme:begin")) {
        current = new ArrayList<>();
      } else if (s.equals("// readme:end")) {
        out.add(current);
        current = null;
      } else if (current != null) {
        current.add(s);
      }
    }
    return out;
  }

  private static List<List<String>> javaBlocks(String markdown) {
    List<List<String>> out = new ArrayList<>();
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (m.find()) {
      List<String> block = new ArrayList<>();
      for (String line : m.group(1).split("\\n")) {
        block.add(line.strip());
      }
      out.add(Collections.unmodifiableList(block));
    }
    return out;
  }
}
