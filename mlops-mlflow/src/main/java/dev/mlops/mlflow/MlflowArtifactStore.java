package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.internal.Validation;
import dev.mlops.internal.artifacts.UploadFile;
import dev.mlops.mlflow.RestClient.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ArtifactStore} on MLflow's artifacts proxy ({@code mlflow server --serve-artifacts}):
 * {@code PUT}, {@code GET} and {@code DELETE} on {@code
 * /api/2.0/mlflow-artifacts/artifacts/<path>}, listings by {@code ?path=}, and multipart uploads
 * ({@code mpu/create|complete|abort}) for large files when {@code
 * MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true} and the server's storage offers them.
 *
 * <p>Downloads are written to a temporary name and renamed, so a reader never sees half a file.
 * Thread-safe. Made by {@link MlflowArtifactStoreProvider}.
 */
final class MlflowArtifactStore implements ArtifactStore {

  static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
  static final String ARTIFACTS = "mlflow-artifacts/artifacts";

  private final RestClient rest;
  private final String rootUri;
  private final ArtifactLocation location;
  private final MultipartUpload multipart;

  MlflowArtifactStore(RestClient rest, String rootUri, ArtifactLocation location) {
    this.rest = rest;
    this.rootUri = rootUri;
    this.location = location;
    this.multipart = new MultipartUpload(rest, location);
  }

  @Override
  public String rootUri() {
    return rootUri;
  }

  @Override
  public void upload(Path localFile, String path) {
    String p = Validation.artifactFile(path);
    if (!Files.isRegularFile(localFile)) {
      throw new InvalidInputException(
          "Cannot upload '" + localFile + "' to '" + p + "': it is not a readable file.");
    }
    long size;
    try {
      size = Files.size(localFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of '" + localFile + "'", e);
    }
    ClientSettings s = rest.settings();
    if (s.multipartUpload()
        && size >= s.multipartMinimumSize()
        && multipart.upload(localFile, p, size, s.multipartChunkSize())) {
      return;
    }
    Request request =
        new Request.Builder()
            .url(fileUrl(p))
            .put(RequestBody.create(localFile.toFile(), OCTET_STREAM))
            .build();
    expectSuccess(request, Retry.SAFE);
  }

  @Override
  public void uploadDirectory(Path localDir, String path) {
    for (UploadFile f : UploadFile.fromDirectory(localDir, path)) {
      upload(f.file(), f.path());
    }
  }

  /** Copies the stream to a temporary file first, so that a failed upload can be repeated. */
  @Override
  public void upload(InputStream content, String path) {
    String p = Validation.artifactFile(path);
    @Nullable Path tmp = null;
    try {
      tmp = Files.createTempFile("mlops-upload-", ".tmp");
      Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
      upload(tmp, p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot buffer the upload of '" + p + "'", e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  @Override
  public List<FileInfo> list(String path) {
    String p = Validation.artifactPath(path);
    JsonNode response;
    try {
      response = rest.get(ARTIFACTS, Map.of("path", location.join(p)));
    } catch (NotFoundException e) {
      return List.of();
    }
    List<FileInfo> files = new ArrayList<>();
    for (JsonNode f : Json.list(response, "files")) {
      String name = baseName(Json.text(f, "path"));
      if (name.isEmpty()) {
        continue;
      }
      boolean dir = f.path("is_dir").asBoolean(false);
      files.add(
          new FileInfo(
              p.isEmpty() ? name : p + "/" + name, dir, dir ? -1 : Json.int64(f, "file_size", 0)));
    }
    files.sort(Comparator.comparing(FileInfo::path));
    return files;
  }

  @Override
  public Path download(String path, Path targetDir) {
    String p = Validation.artifactPath(path);
    try {
      Files.createDirectories(targetDir);
      List<FileInfo> children = list(p);
      if (p.isEmpty()) {
        downloadAll(children, targetDir);
        return targetDir;
      }
      Path target = targetDir.resolve(baseName(p));
      if (!children.isEmpty()) {
        Files.createDirectories(target);
        downloadAll(children, target);
        return target;
      }
      requireFile(p);
      downloadFile(p, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot download '" + p + "' into '" + targetDir + "'", e);
    }
  }

  @Override
  public InputStream open(String path) {
    String p = Validation.artifactFile(path);
    requireFile(p);
    Request request = new Request.Builder().url(fileUrl(p)).get().build();
    Response response = rest.execute(request, Retry.SAFE);
    if (!response.isSuccessful()) {
      try (response) {
        throw failure(request, response, p);
      }
    }
    return response.body().byteStream();
  }

  @Override
  public void delete(String path) {
    String p = Validation.artifactPath(path);
    Request request = new Request.Builder().url(fileUrl(p)).delete().build();
    try (Response response = rest.execute(request, Retry.SAFE)) {
      if (response.isSuccessful() || response.code() == 404) {
        return;
      }
      MlopsException e = failure(request, response, p);
      if (!(e instanceof NotFoundException)) {
        throw e;
      }
    }
  }

  @Override
  public String toString() {
    return "MlflowArtifactStore[" + location + "]";
  }

  private void downloadAll(List<FileInfo> entries, Path dir) throws IOException {
    for (FileInfo entry : entries) {
      Path target = dir.resolve(baseName(entry.path()));
      if (entry.isDir()) {
        Files.createDirectories(target);
        downloadAll(list(entry.path()), target);
      } else {
        downloadFile(entry.path(), target);
      }
    }
  }

  private void downloadFile(String p, Path target) throws IOException {
    Request request = new Request.Builder().url(fileUrl(p)).get().build();
    try (Response response = rest.execute(request, Retry.SAFE)) {
      if (!response.isSuccessful()) {
        throw failure(request, response, p);
      }
      Path tmp = Files.createTempFile(target.getParent(), "." + baseName(p) + "-", ".part");
      try (InputStream in = response.body().byteStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * Fails with {@link NotFoundException} unless {@code p} is listed as a file: MLflow servers
   * answer a missing file with a bare HTTP 500, which must not be retried or mistaken for an
   * outage.
   */
  private void requireFile(String p) {
    int slash = p.lastIndexOf('/');
    String parent = slash < 0 ? "" : p.substring(0, slash);
    for (FileInfo f : list(parent)) {
      if (f.path().equals(p)) {
        if (f.isDir()) {
          throw new InvalidInputException(
              "'" + p + "' under " + rootUri + " is a directory, not a file.");
        }
        return;
      }
    }
    throw new NotFoundException("No artifact '" + p + "' under " + rootUri + ".");
  }

  private MlopsException failure(Request request, Response response, String p) {
    String body;
    try {
      body = response.body().string();
    } catch (IOException e) {
      body = "";
    }
    if (response.code() == 404) {
      return new NotFoundException("No artifact '" + p + "' under " + rootUri + ".");
    }
    return rest.error(request, response.code(), body);
  }

  private void expectSuccess(Request request, Retry retry) {
    try (Response response = rest.execute(request, retry)) {
      if (!response.isSuccessful()) {
        String body;
        try {
          body = response.body().string();
        } catch (IOException e) {
          body = "";
        }
        throw rest.error(request, response.code(), body);
      }
    }
  }

  HttpUrl fileUrl(String p) {
    HttpUrl.Builder b = rest.url(ARTIFACTS);
    String full = location.join(p);
    if (!full.isEmpty()) {
      b.addPathSegments(full);
    }
    return b.build();
  }

  static String baseName(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.substring(p.lastIndexOf('/') + 1);
  }

  private static void deleteQuietly(@Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: a leftover temporary file is harmless
      }
    }
  }
}
