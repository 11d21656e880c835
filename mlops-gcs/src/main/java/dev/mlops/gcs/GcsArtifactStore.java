package dev.mlops.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.internal.LocalFileState;
import dev.mlops.internal.Validation;
import dev.mlops.internal.artifacts.BucketLocation;
import dev.mlops.internal.artifacts.LocalDownload;
import dev.mlops.internal.artifacts.UploadFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Artifacts under {@code gs://bucket/prefix} in Google Cloud Storage.
 *
 * <p>Get one through {@code mlops.artifacts().store("gs://bucket/prefix")} or as the store of a run
 * whose artifact location is in Cloud Storage; {@link GcsArtifactStoreProvider} lists the settings.
 *
 * <p>A file is uploaded in resumable chunks of {@code MLOPS_GCS_CHUNK_SIZE} with its CRC32C, which
 * Cloud Storage checks before it creates the object: a file that changed while it was read is
 * refused, and an upload that fails part-way creates nothing. A download goes to a temporary file,
 * is checked against the object's CRC32C and its generation, then renamed into place; a directory
 * downloads into a hidden staging directory first.
 *
 * <p>Thread-safe. Stores opened through an {@link dev.mlops.Mlops} share its client, which is
 * closed with it; {@link #close()} on such a store does nothing.
 */
public final class GcsArtifactStore implements ArtifactStore {

  private static final int BUFFER = 1024 * 1024;

  private final Storage storage;
  private final BucketLocation location;
  private final GcsSettings settings;
  private final GcsErrors errors;
  private final boolean ownsStorage;

  GcsArtifactStore(
      Storage storage, BucketLocation location, GcsSettings settings, boolean ownsStorage) {
    this.storage = storage;
    this.location = location;
    this.settings = settings;
    this.errors = new GcsErrors(location);
    this.ownsStorage = ownsStorage;
  }

  /** The bucket. */
  public String bucket() {
    return location.bucket();
  }

  /** The object-name prefix of the root, without outer {@code /}; "" for the bucket root. */
  public String prefix() {
    return location.prefix();
  }

  @Override
  public String rootUri() {
    return location.rootUri();
  }

  @Override
  public void upload(Path localFile, String path) {
    String p = Validation.artifactFile(path);
    uploadFile(localFile, location.key(p));
  }

  @Override
  public void uploadDirectory(Path localDir, String path) {
    for (UploadFile f : UploadFile.fromDirectory(localDir, path)) {
      uploadFile(f.file(), location.key(f.path()));
    }
  }

  @Override
  public void upload(InputStream content, String path) {
    String name = location.key(Validation.artifactFile(path));
    CRC32C crc = new CRC32C();
    WriteChannel writer =
        storage.writer(
            BlobInfo.newBuilder(BlobId.of(bucket(), name))
                .setContentType("application/octet-stream")
                .build(),
            BlobWriteOption.disableGzipContent());
    writer.setChunkSize(settings.chunkSize());
    byte[] buf = new byte[BUFFER];
    try {
      for (int n; (n = content.read(buf)) >= 0; ) {
        crc.update(buf, 0, n);
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          writer.write(bb);
        }
      }
    } catch (IOException e) {
      throw new MlopsException(
          "Uploading a stream to "
              + location.uriOf(name)
              + " failed before it completed ("
              + e
              + "); nothing was stored.",
          e);
    } catch (RuntimeException e) {
      throw errors.map(e, "uploading", name);
    }
    commit(writer, name);
    Blob blob = storage.get(BlobId.of(bucket(), name));
    if (blob != null && blob.getCrc32c() != null && !blob.getCrc32c().equals(base64(crc))) {
      storage.delete(BlobId.of(bucket(), name));
      throw new MlopsException(
          "Cloud Storage holds a CRC32C for "
              + location.uriOf(name)
              + " that differs from the bytes sent: the object was deleted. Upload it again.");
    }
  }

  @Override
  public List<FileInfo> list(String path) {
    String prefix = location.directoryPrefix(Validation.artifactPath(path));
    List<FileInfo> out = new ArrayList<>();
    try {
      for (Blob b :
          storage
              .list(bucket(), BlobListOption.prefix(prefix), BlobListOption.currentDirectory())
              .iterateAll()) {
        String name = b.getName();
        if (name.endsWith("/")) {
          if (!name.equals(prefix)) {
            out.add(
                new FileInfo(
                    location.relativePath(name.substring(0, name.length() - 1)), true, -1));
          }
        } else {
          out.add(
              new FileInfo(
                  location.relativePath(name), false, b.getSize() == null ? 0 : b.getSize()));
        }
      }
    } catch (RuntimeException e) {
      throw errors.map(e, "listing", prefix);
    }
    out.sort(Comparator.comparing(FileInfo::path));
    return List.copyOf(out);
  }

  @Override
  public Path download(String path, Path targetDir) {
    String p = Validation.artifactPath(path);
    String name = location.key(p);
    @Nullable Blob blob = p.isEmpty() ? null : get(name);
    if (blob != null) {
      Path target = targetDir.resolve(p.substring(p.lastIndexOf('/') + 1));
      downloadBlob(blob, target);
      return target;
    }
    String dirPrefix = location.directoryPrefix(p);
    List<Blob> blobs = blobsUnder(dirPrefix);
    if (blobs.isEmpty()) {
      if (p.isEmpty()) {
        return LocalDownload.createDirectory(targetDir, location.rootUri());
      }
      throw new NotFoundException(
          "Nothing is stored at " + location.uriOf(name) + ": no file and no directory.");
    }
    return LocalDownload.toDirectory(
        targetDir,
        p.isEmpty() ? "" : p.substring(p.lastIndexOf('/') + 1),
        location.uriOf(name),
        staging -> {
          for (Blob b : blobs) {
            String rel = b.getName().substring(dirPrefix.length());
            downloadBlob(
                b, staging.resolve(LocalDownload.entryName(location.uriOf(b.getName()), rel)));
          }
        });
  }

  @Override
  public InputStream open(String path) {
    String name = location.key(Validation.artifactFile(path));
    Blob blob = get(name);
    if (blob == null) {
      throw new NotFoundException("No GCS object at " + location.uriOf(name) + ".");
    }
    try {
      return Channels.newInputStream(reader(blob));
    } catch (RuntimeException e) {
      throw errors.map(e, "reading", name);
    }
  }

  @Override
  public void delete(String path) {
    String p = Validation.artifactPath(path);
    String name = location.key(p);
    try {
      if (!p.isEmpty()) {
        storage.delete(BlobId.of(bucket(), name));
      }
      for (Blob b : blobsUnder(location.directoryPrefix(p))) {
        storage.delete(BlobId.of(bucket(), b.getName()));
      }
    } catch (RuntimeException e) {
      throw errors.map(e, "deleting", name);
    }
  }

  /** Closes the client when this store was made with one of its own. */
  @Override
  public void close() {
    if (ownsStorage) {
      try {
        storage.close();
      } catch (Exception e) {
        throw new MlopsException("Closing the Cloud Storage client failed: " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return "GcsArtifactStore[" + rootUri() + "]";
  }

  private void uploadFile(Path file, String name) {
    LocalFileState before = LocalFileState.of(file);
    String crc = crc32c(file, before.size());
    LocalFileState afterHash = LocalFileState.now(file);
    if (!before.equals(afterHash)) {
      throw changed(file, name, before, afterHash);
    }
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(bucket(), name))
            .setContentType(contentType(file))
            .setCrc32c(crc)
            .build();
    WriteChannel writer;
    try {
      writer =
          storage.writer(info, BlobWriteOption.crc32cMatch(), BlobWriteOption.disableGzipContent());
      writer.setChunkSize(settings.chunkSize());
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long left = before.size();
        while (left > 0) {
          buf.clear().limit((int) Math.min(BUFFER, left));
          int n = in.read(buf);
          if (n < 0) {
            throw changed(file, name, before, LocalFileState.now(file));
          }
          buf.flip();
          while (buf.hasRemaining()) {
            writer.write(buf);
          }
          left -= n;
        }
      }
    } catch (IOException e) {
      throw errors.map(e, "uploading", name);
    } catch (RuntimeException e) {
      throw errors.map(e, "uploading", name);
    }
    LocalFileState after = LocalFileState.now(file);
    if (!before.equals(after)) {
      // The upload session is left unfinished: Cloud Storage creates nothing and expires it.
      throw changed(file, name, before, after);
    }
    commit(writer, name);
  }

  private void commit(WriteChannel writer, String name) {
    try {
      writer.close();
    } catch (IOException | RuntimeException e) {
      throw errors.map(e, "uploading", name);
    }
  }

  private void downloadBlob(Blob blob, Path target) {
    String name = blob.getName();
    LocalDownload.toFile(
        target,
        location.uriOf(name),
        out -> {
          CRC32C crc = new CRC32C();
          long total = 0;
          try (ReadChannel in = reader(blob)) {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            for (int n; (n = in.read(buf)) >= 0; ) {
              buf.flip();
              crc.update(buf.duplicate());
              out.write(buf, total);
              buf.clear();
              total += n;
            }
          } catch (IOException | RuntimeException e) {
            if (e instanceof LocalDownload.LocalWriteException w) {
              throw w;
            }
            throw errors.map(e, "downloading", name);
          }
          Long size = blob.getSize();
          if (size != null && size != total) {
            throw new MlopsException(
                "Downloaded "
                    + total
                    + " bytes of "
                    + location.uriOf(name)
                    + " but it holds "
                    + size
                    + "; nothing was written. Try again.");
          }
          if (blob.getCrc32c() != null && !blob.getCrc32c().equals(base64(crc))) {
            throw new MlopsException(
                "The bytes downloaded from "
                    + location.uriOf(name)
                    + " do not match its CRC32C ("
                    + base64(crc)
                    + " instead of "
                    + blob.getCrc32c()
                    + "); nothing was written. Try again.");
          }
        });
  }

  private ReadChannel reader(Blob blob) {
    BlobId id = BlobId.of(bucket(), blob.getName());
    ReadChannel r =
        blob.getGeneration() != null
            ? storage.reader(id, BlobSourceOption.generationMatch(blob.getGeneration()))
            : storage.reader(id);
    r.setChunkSize(settings.chunkSize());
    return r;
  }

  private @Nullable Blob get(String name) {
    try {
      return storage.get(BlobId.of(bucket(), name));
    } catch (RuntimeException e) {
      throw errors.map(e, "reading", name);
    }
  }

  private List<Blob> blobsUnder(String prefix) {
    List<Blob> out = new ArrayList<>();
    try {
      for (Blob b : storage.list(bucket(), BlobListOption.prefix(prefix)).iterateAll()) {
        if (!b.getName().endsWith("/")) {
          out.add(b);
        }
      }
    } catch (RuntimeException e) {
      throw errors.map(e, "listing", prefix);
    }
    return out;
  }

  private MlopsException changed(
      Path file, String name, LocalFileState before, @Nullable LocalFileState now) {
    return new MlopsException(
        "Local file '"
            + file
            + "' changed while it was being uploaded to "
            + location.uriOf(name)
            + " ("
            + before.change(now)
            + "); nothing was stored. Upload it again once nothing writes to it.");
  }

  private String crc32c(Path file, long length) {
    CRC32C crc = new CRC32C();
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(BUFFER);
      long left = length;
      while (left > 0) {
        buf.clear().limit((int) Math.min(BUFFER, left));
        int n = in.read(buf);
        if (n < 0) {
          throw changed(file, location.key(""), LocalFileState.of(file), LocalFileState.now(file));
        }
        buf.flip();
        crc.update(buf);
        left -= n;
      }
    } catch (IOException e) {
      throw new MlopsException("Cannot read local file '" + file + "': " + e + ".", e);
    }
    return base64(crc);
  }

  /** Cloud Storage's encoding: the 32-bit value, big-endian, in base64. */
  static String base64(CRC32C crc) {
    long v = crc.getValue();
    byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    return java.util.Base64.getEncoder().encodeToString(b);
  }

  private static String contentType(Path file) {
    String guessed =
        URLConnection.getFileNameMap().getContentTypeFor(file.getFileName().toString());
    return guessed != null ? guessed : "application/octet-stream";
  }
}
