package dev.mlops.internal.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Local side of object-store downloads")
class LocalDownloadTest {

  @TempDir Path tmp;

  private static LocalDownload.FileBody text(String content) {
    return out -> out.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
  }

  private static long entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    }
  }

  /** One object to one file. */
  @Nested
  @DisplayName("Files")
  class SingleFiles {

    @Test
    @DisplayName("a file is written whole, its directory created, and no temporary file is left")
    void writesFile() throws IOException {
      Path target = tmp.resolve("out/sub/f.txt");

      LocalDownload.toFile(target, "obj://b/f.txt", text("hello"));

      assertThat(target).hasContent("hello");
      assertThat(entries(target.getParent())).isEqualTo(1);
    }

    @Test
    @DisplayName("bytes land at the positions given, whatever order they are written in")
    void positionalWrites() {
      Path target = tmp.resolve("f.bin");

      LocalDownload.toFile(
          target,
          "obj://b/f.bin",
          out -> {
            out.write(ByteBuffer.wrap(new byte[] {4, 5, 6}), 3);
            out.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
          });

      assertThat(target).hasBinaryContent(new byte[] {1, 2, 3, 4, 5, 6});
    }

    @Test
    @DisplayName("a remote failure passes through unchanged and leaves the old file as it was")
    void remoteFailure() throws IOException {
      Path target = Files.writeString(tmp.resolve("f.txt"), "old");
      IllegalStateException remote = new IllegalStateException("connection reset");

      assertThatThrownBy(
              () ->
                  LocalDownload.toFile(
                      target,
                      "obj://b/f.txt",
                      out -> {
                        text("new, half").writeTo(out);
                        throw remote;
                      }))
          .isSameAs(remote);

      assertThat(target).hasContent("old");
      assertThat(entries(tmp)).isEqualTo(1);
    }

    @Test
    @DisplayName("a failed local write is reported with the object, the directory and what to do")
    void localWriteFailure() throws IOException {
      Path target = tmp.resolve("f.txt");

      assertThatThrownBy(
              () ->
                  LocalDownload.toFile(
                      target,
                      "obj://b/f.txt",
                      out -> {
                        throw new LocalDownload.LocalWriteException(
                            new IOException("No space left on device"));
                      }))
          .isInstanceOf(MlopsException.class)
          .hasMessage(
              "Cannot write the download of obj://b/f.txt into local directory '"
                  + tmp.toAbsolutePath()
                  + "' (IOException: No space left on device). Pick a writable directory with"
                  + " free space; nothing was written.")
          .hasCauseInstanceOf(IOException.class);
      assertThat(entries(tmp)).isZero();
    }

    @Test
    @DisplayName("a target directory that cannot be created is a clear error")
    void unwritableDirectory() throws IOException {
      Path blocker = Files.writeString(tmp.resolve("blocker"), "a file");

      assertThatThrownBy(
              () -> LocalDownload.toFile(blocker.resolve("sub/f.txt"), "obj://b/f", text("x")))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("obj://b/f")
          .hasMessageContaining(blocker.resolve("sub").toString())
          .hasMessageContaining("writable directory");
      assertThat(blocker).hasContent("a file");
    }

    @Test
    @DisplayName("a directory standing at the target is refused and left alone")
    void directoryAtTarget() throws IOException {
      Path target = Files.createDirectories(tmp.resolve("f.txt/inside"));

      assertThatThrownBy(() -> LocalDownload.toFile(target.getParent(), "obj://b/f.txt", text("x")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("obj://b/f.txt")
          .hasMessageContaining("a directory of that name exists");
      assertThat(target).isDirectory();
    }
  }

  /** A prefix to a directory. */
  @Nested
  @DisplayName("Directories")
  class Directories {

    private LocalDownload.DirectoryBody files(String... namesAndContents) {
      return staging -> {
        for (int i = 0; i < namesAndContents.length; i += 2) {
          LocalDownload.toFile(
              staging.resolve(namesAndContents[i]), "obj://b/d", text(namesAndContents[i + 1]));
        }
      };
    }

    /** {@code tmp/d} as an earlier download left it, with a file added locally since. */
    private Path olderCopy() throws IOException {
      Path dest = Files.createDirectories(tmp.resolve("d"));
      Files.writeString(dest.resolve("a.txt"), "old");
      Files.writeString(dest.resolve("mine.txt"), "mine");
      return dest;
    }

    @Test
    @DisplayName(
        "a new directory arrives whole under its name, or in the target itself for an empty name,"
            + " and nothing else is left behind")
    void newDirectory() throws IOException {
      Path got = LocalDownload.toDirectory(tmp, "d", "obj://b/d", files("a.txt", "a", "s/b", "b"));
      Path all = LocalDownload.toDirectory(tmp.resolve("all"), "", "obj://b", files("c", "c"));

      assertThat(got).isEqualTo(tmp.resolve("d"));
      assertThat(got.resolve("a.txt")).hasContent("a");
      assertThat(got.resolve("s/b")).hasContent("b");
      assertThat(all).isEqualTo(tmp.resolve("all"));
      assertThat(all.resolve("c")).hasContent("c");
      assertThat(entries(all)).isEqualTo(1);
      assertThat(entries(tmp)).isEqualTo(2);
    }

    @Test
    @DisplayName("over an older copy, files are replaced and local-only files kept")
    void merges() throws IOException {
      Path dest = olderCopy();

      LocalDownload.toDirectory(tmp, "d", "obj://b/d", files("a.txt", "new"));

      assertThat(dest.resolve("a.txt")).hasContent("new");
      assertThat(dest.resolve("mine.txt")).hasContent("mine");
      assertThat(entries(tmp)).isEqualTo(1);
    }

    @Test
    @DisplayName("a failure part-way leaves the target as it was and no staging directory")
    void failureLeavesTarget() throws IOException {
      Path dest = olderCopy();
      IllegalStateException remote = new IllegalStateException("gone");

      assertThatThrownBy(
              () ->
                  LocalDownload.toDirectory(
                      tmp,
                      "d",
                      "obj://b/d",
                      staging -> {
                        files("a.txt", "new").fill(staging);
                        throw remote;
                      }))
          .isSameAs(remote);

      assertThat(dest.resolve("a.txt")).hasContent("old");
      assertThat(entries(dest)).isEqualTo(2);
      assertThat(entries(tmp)).isEqualTo(1);
    }

    @Test
    @DisplayName("a file standing where the directory goes is refused and left alone")
    void fileAtTarget() throws IOException {
      Path file = Files.writeString(tmp.resolve("d"), "a file");

      assertThatThrownBy(() -> LocalDownload.toDirectory(tmp, "d", "obj://b/d", files()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Cannot download directory obj://b/d")
          .hasMessageContaining("a file of that name exists");
      assertThat(file).hasContent("a file");
    }

    @Test
    @DisplayName("a local directory where a downloaded file goes is a clear error")
    void directoryInTheWay() throws IOException {
      Files.createDirectories(tmp.resolve("d/a.txt/inside"));

      assertThatThrownBy(
              () -> LocalDownload.toDirectory(tmp, "d", "obj://b/d", files("a.txt", "new")))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("obj://b/d")
          .hasMessageContaining("is a directory");
      assertThat(tmp.resolve("d/a.txt/inside")).isDirectory();
      assertThat(entries(tmp)).isEqualTo(1);
    }

    @Test
    @DisplayName("a target directory that cannot be created is a clear error")
    void unwritable() throws IOException {
      Path blocker = Files.writeString(tmp.resolve("blocker"), "a file");

      assertThatThrownBy(
              () ->
                  LocalDownload.toDirectory(
                      blocker.resolve("sub"), "d", "obj://b/d", files("a", "a")))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("obj://b/d")
          .hasMessageContaining("writable directory");
      assertThatThrownBy(() -> LocalDownload.createDirectory(blocker.resolve("sub"), "obj://b"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("Cannot write the download of obj://b")
          .hasMessageContaining("writable directory");
      assertThat(LocalDownload.createDirectory(tmp.resolve("new/dir"), "obj://b")).isDirectory();
    }
  }

  @Test
  @DisplayName("an object name with an empty, '.' or '..' part is refused before it is written")
  void entryNames() {
    for (String rel : new String[] {"../../evil.txt", "a/../../evil.txt", "a//b", "./a", "/abs"}) {
      assertThatThrownBy(() -> LocalDownload.entryName("obj://b/d/" + rel, rel))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("Refusing to download obj://b/d/" + rel)
          .hasMessageContaining("Rename or delete that object");
    }
    assertThat(LocalDownload.entryName("obj://b/d/a/b.txt", "a/b.txt")).isEqualTo("a/b.txt");
  }
}
