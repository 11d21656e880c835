package dev.mlops.s3;

import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.internal.Validation;
import dev.mlops.internal.artifacts.LocalDownload;
import dev.mlops.internal.artifacts.UploadFile;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Artifacts under {@code s3://bucket/prefix}, in Amazon S3 or an S3-compatible store.
 *
 * <p>Get one through {@code mlops.artifacts().store("s3://bucket/prefix")} or as the store of a run
 * whose artifact location is in S3; {@link S3ArtifactStoreProvider} lists the settings. To follow
 * transfers, ask for a view with a listener:
 *
 * <pre>{@code
 * ArtifactStore store = mlops.artifacts().store("s3://ml-artifacts/team-a");
 * if (store instanceof S3ArtifactStore s3) {
 *   store = s3.withListener((path, done, total) -> System.out.printf("%s %d/%d%n", path, done, total));
 * }
 * store.upload(Path.of("model.onnx"), "fraud/model.onnx");
 * }</pre>
 *
 * <p>Files above the multipart threshold ({@code MLOPS_S3_MULTIPART_THRESHOLD}, 16 MiB by default)
 * move in parts of {@code MLOPS_S3_PART_SIZE}, {@code MLOPS_S3_MAX_CONCURRENCY} at a time, streamed
 * from and to disk: memory use does not grow with file size. A single-request upload carries its
 * MD5, so S3 refuses altered bytes; parts travel in SigV4-signed chunks (HTTP) or over TLS, with
 * S3's CRC32 on AWS; every download is checked against the ETag S3 computed when the bytes arrived.
 * A failed multipart upload is aborted, and a local file that changes while it is uploaded is
 * reported rather than stored half-changed. Downloads go to a temporary file renamed into place; a
 * directory downloads into a hidden staging directory first.
 *
 * <p>Thread-safe. Stores opened through an {@link dev.mlops.Mlops} share its S3 client, which is
 * closed with it; {@link #close()} on such a store does nothing.
 */
public final class S3ArtifactStore implements ArtifactStore {

  private static final int DELETE_BATCH = 1000;

  private final TransferContext context;
  private final TransferListener listener;
  private final boolean ownsClients;

  S3ArtifactStore(TransferContext context, TransferListener listener, boolean ownsClients) {
    this.context = context;
    this.listener = listener;
    this.ownsClients = ownsClients;
  }

  /** A view of this store that reports the progress of its transfers to {@code listener}. */
  public S3ArtifactStore withListener(TransferListener listener) {
    return new S3ArtifactStore(context, listener, false);
  }

  /** The bucket. */
  public String bucket() {
    return context.location().bucket();
  }

  /** The key prefix of the root, without leading or trailing {@code /}; "" for the bucket root. */
  public String prefix() {
    return context.location().prefix();
  }

  TransferContext context() {
    return context;
  }

  @Override
  public String rootUri() {
    return context.location().rootUri();
  }

  @Override
  public void upload(Path localFile, String path) {
    String p = Validation.artifactFile(path);
    FileUpload.upload(context, localFile, context.location().key(p), p, listener);
  }

  @Override
  public void uploadDirectory(Path localDir, String path) {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (UploadFile f : UploadFile.fromDirectory(localDir, path)) {
      String key = context.location().key(f.path());
      tasks.add(
          () -> {
            FileUpload.upload(context, f.file(), key, f.path(), listener);
            return null;
          });
    }
    Parallel.run(context.files(), tasks);
  }

  @Override
  public void upload(InputStream content, String path) {
    String p = Validation.artifactFile(path);
    StreamUpload.upload(context, content, context.location().key(p), p, listener);
  }

  @Override
  public List<FileInfo> list(String path) {
    String p = Validation.artifactPath(path);
    String prefix = context.location().directoryPrefix(p);
    List<FileInfo> out = new ArrayList<>();
    try {
      ListObjectsV2Request request =
          ListObjectsV2Request.builder().bucket(bucket()).prefix(prefix).delimiter("/").build();
      for (ListObjectsV2Response page : context.s3().listObjectsV2Paginator(request)) {
        for (CommonPrefix cp : page.commonPrefixes()) {
          String dir = cp.prefix().substring(0, cp.prefix().length() - 1);
          out.add(new FileInfo(context.location().relativePath(dir), true, -1));
        }
        for (S3Object o : page.contents()) {
          if (!o.key().equals(prefix) && !o.key().endsWith("/")) {
            out.add(new FileInfo(context.location().relativePath(o.key()), false, o.size()));
          }
        }
      }
    } catch (RuntimeException e) {
      throw context.errors().map(e, "listing", prefix);
    }
    out.sort(Comparator.comparing(FileInfo::path));
    return List.copyOf(out);
  }

  @Override
  public Path download(String path, Path targetDir) {
    String p = Validation.artifactPath(path);
    String key = context.location().key(p);
    @Nullable HeadObjectResponse head = p.isEmpty() ? null : head(key);
    if (head != null) {
      Path target = targetDir.resolve(p.substring(p.lastIndexOf('/') + 1));
      FileDownload.download(context, key, p, target, head, listener);
      return target;
    }
    List<S3Object> objects = objectsUnder(context.location().directoryPrefix(p), false);
    if (objects.isEmpty()) {
      if (p.isEmpty()) {
        return LocalDownload.createDirectory(targetDir, context.location().rootUri());
      }
      throw new NotFoundException(
          "Nothing is stored at " + context.location().uriOf(key) + ": no file and no directory.");
    }
    return DirectoryDownload.download(context, p, objects, targetDir, listener);
  }

  @Override
  public InputStream open(String path) {
    String p = Validation.artifactFile(path);
    String key = context.location().key(p);
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = context.s3().getObject(b -> b.bucket(bucket()).key(key));
    } catch (RuntimeException e) {
      throw context.errors().map(e, "reading", key);
    }
    return new ObjectStream(in);
  }

  @Override
  public void delete(String path) {
    String p = Validation.artifactPath(path);
    String key = context.location().key(p);
    try {
      if (!p.isEmpty()) {
        context.s3().deleteObject(b -> b.bucket(bucket()).key(key));
      }
      List<S3Object> objects = objectsUnder(context.location().directoryPrefix(p), true);
      for (int i = 0; i < objects.size(); i += DELETE_BATCH) {
        List<ObjectIdentifier> batch =
            objects.subList(i, Math.min(objects.size(), i + DELETE_BATCH)).stream()
                .map(o -> ObjectIdentifier.builder().key(o.key()).build())
                .toList();
        DeleteObjectsResponse r =
            context
                .s3()
                .deleteObjects(b -> b.bucket(bucket()).delete(d -> d.objects(batch).quiet(true)));
        if (!r.errors().isEmpty()) {
          var first = r.errors().get(0);
          throw new MlopsException(
              "S3 could not delete "
                  + r.errors().size()
                  + " object(s) under "
                  + context.location().uriOf(key)
                  + ", e.g. "
                  + first.key()
                  + " ("
                  + first.code()
                  + ": "
                  + first.message()
                  + "). Check s3:DeleteObject permission and try again.");
        }
      }
    } catch (RuntimeException e) {
      throw context.errors().map(e, "deleting", key);
    }
  }

  /** Closes the client when this store was made with one of its own. */
  @Override
  public void close() {
    if (ownsClients) {
      context.clients().close();
    }
  }

  @Override
  public String toString() {
    return "S3ArtifactStore[" + rootUri() + " at " + context.settings().endpointDescription() + "]";
  }

  /** The object's metadata, or null when no object has that key. */
  private @Nullable HeadObjectResponse head(String key) {
    try {
      return context.s3().headObject(b -> b.bucket(bucket()).key(key));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw context.errors().map(e, "reading", key);
    } catch (RuntimeException e) {
      throw context.errors().map(e, "reading", key);
    }
  }

  /** Every object whose key starts with {@code prefix}; folder markers ("x/") only if asked. */
  private List<S3Object> objectsUnder(String prefix, boolean markers) {
    List<S3Object> out = new ArrayList<>();
    try {
      for (ListObjectsV2Response page :
          context.s3().listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(prefix))) {
        for (S3Object o : page.contents()) {
          if (markers || !o.key().endsWith("/")) {
            out.add(o);
          }
        }
      }
    } catch (RuntimeException e) {
      throw context.errors().map(e, "listing", prefix);
    }
    return out;
  }

  /** Aborts the connection when closed before the end, instead of draining the rest. */
  private static final class ObjectStream extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private boolean ended;

    ObjectStream(ResponseInputStream<GetObjectResponse> response) {
      super(response);
      this.response = response;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      ended |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      ended |= n < 0;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        response.abort();
      }
      super.close();
    }
  }
}
