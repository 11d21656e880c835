package dev.mlops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.FileInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The artifact store contract for stores over a flat object namespace, such as S3 and Cloud
 * Storage, where a directory is only a key prefix: everything in {@link ArtifactStoreContract},
 * plus the cases where prefixes and directories part ways (a sibling whose name starts with the
 * directory's, a listing with a trailing slash, a download over an older copy). A backend runs it
 * with the same short subclass as the plain contract.
 *
 * <pre>{@code
 * class GcsArtifactStoreContractTest extends ObjectStoreContract {
 *   @Override
 *   protected ArtifactStore openStore(Path workDir) {
 *     Mlops mlops = closeAfterTest(Mlops.builder().workingDirectory(workDir).build());
 *     return mlops.artifacts().store("gs://contract-bucket/" + UUID.randomUUID());
 *   }
 * }
 * }</pre>
 */
public abstract class ObjectStoreContract extends ArtifactStoreContract {

  private void put(String path, String content) {
    store().upload(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), path);
  }

  /** Directories that exist only as key prefixes. */
  @Nested
  @DisplayName("Prefixes")
  class Prefixes {

    @Test
    @DisplayName("listing shows direct children only, directories with size -1, sorted by path")
    void listIsOneLevel() throws IOException {
      Path dir = local("tree");
      Files.createDirectories(dir.resolve("model/data"));
      Files.writeString(dir.resolve("b.txt"), "bb");
      Files.writeString(dir.resolve("a.txt"), "a");
      Files.writeString(dir.resolve("model/MLmodel"), "flavors: {}");
      Files.writeString(dir.resolve("model/data/w.bin"), "1234");
      store().uploadDirectory(dir, "");

      assertThat(store().list(""))
          .containsExactly(
              new FileInfo("a.txt", false, 1),
              new FileInfo("b.txt", false, 2),
              new FileInfo("model", true, -1));
      assertThat(store().list("model"))
          .containsExactly(
              new FileInfo("model/MLmodel", false, 11), new FileInfo("model/data", true, -1));
      assertThat(store().list("model/data/"))
          .containsExactly(new FileInfo("model/data/w.bin", false, 4));
      assertThat(store().list("a.txt")).isEmpty();
    }

    @Test
    @DisplayName(
        "deleting a directory removes everything under it and nothing beside it, not even names"
            + " that start with its own")
    void deleteStopsAtThePrefix() {
      for (String p : List.of("a/x", "a/sub/y", "ab/z", "a.txt")) {
        put(p, p);
      }
      store().delete("a");

      assertThat(store().list("")).extracting(FileInfo::path).containsExactly("a.txt", "ab");
      store().delete("a.txt");
      store().delete("nothing/here");
      assertThat(store().list("")).extracting(FileInfo::path).containsExactly("ab");
      store().delete("");
      assertThat(store().list("")).isEmpty();
    }

    @Test
    @DisplayName(
        "a directory downloads under its own name leaving nothing else in the target, and the"
            + " root downloads into the target itself")
    void directoryDownloadLeavesNothingElse() throws IOException {
      put("model/MLmodel", "m");
      put("model/data/w.bin", "w");

      Path got = store().download("model", local("out"));

      assertThat(got).isEqualTo(local("out").resolve("model"));
      assertThat(got.resolve("data/w.bin")).hasContent("w");
      try (Stream<Path> entries = Files.list(local("out"))) {
        assertThat(entries).containsExactly(got);
      }
      Path root = store().download("", local("all"));
      assertThat(root).isEqualTo(local("all"));
      assertThat(root.resolve("model/MLmodel")).hasContent("m");
    }

    @Test
    @DisplayName(
        "a directory downloaded again over an older copy replaces its files and keeps local ones")
    void directoryDownloadMerges() throws IOException {
      put("d/f.txt", "v1");
      store().download("d", local("out"));
      Files.writeString(local("out/d/local-only.txt"), "mine");
      put("d/f.txt", "v2");

      store().download("d", local("out"));

      assertThat(local("out/d/f.txt")).hasContent("v2");
      assertThat(local("out/d/local-only.txt")).hasContent("mine");
    }
  }
}
