package dev.mlops.mlflow;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.mlflow.api.proto.MlflowArtifacts;

/**
 * The {@code mlflow-artifacts} proxy of {@link FakeMlflowServer}, on a local directory, answering
 * as MLflow's server does over a local artifact repository (a missing file is a bare HTTP 500).
 * Multipart uploads are offered only after {@link #enableMultipart()}, as with S3 storage; parts go
 * to pre-signed URLs on the fake itself.
 */
final class FakeArtifacts {

  private static final String BASE = "/api/2.0/mlflow-artifacts";

  private final Path root;
  private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
  private volatile boolean multipart;
  private @Nullable FakeMlflowServer server;

  FakeArtifacts(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private FakeMlflowServer server() {
    FakeMlflowServer s = server;
    if (s == null) {
      throw new IllegalStateException("register() first");
    }
    return s;
  }

  /** Lets {@code mpu/create} succeed, as with storage that supports multipart uploads. */
  void enableMultipart() {
    multipart = true;
  }

  /** Multipart uploads begun and not yet completed or aborted. */
  int openUploads() {
    return uploads.size();
  }

  Path root() {
    return root;
  }

  void register(FakeMlflowServer server) {
    this.server = server;
    server.route(
        "GET",
        "mlflow-artifacts/artifacts",
        MlflowArtifacts.ListArtifacts::newBuilder,
        r -> list(r.getPath()));
    server.rawRoute("GET", BASE + "/artifacts", (req, p) -> download(p));
    server.rawRoute("PUT", BASE + "/artifacts", (req, p) -> upload(req, p));
    server.rawRoute("DELETE", BASE + "/artifacts", (req, p) -> delete(req, p));
    server.rawRoute("POST", BASE + "/mpu/create", this::create);
    server.rawRoute("POST", BASE + "/mpu/complete", this::complete);
    server.rawRoute("POST", BASE + "/mpu/abort", this::abort);
    server.rawRoute("PUT", "/fake-presigned", this::putPart);
  }

  private MlflowArtifacts.ListArtifacts.Response list(String path) throws IOException {
    Path dir = resolve(path);
    MlflowArtifacts.ListArtifacts.Response.Builder b =
        MlflowArtifacts.ListArtifacts.Response.newBuilder();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> children = Files.list(dir)) {
        for (Path c : children.sorted().toList()) {
          if (c.getFileName().toString().startsWith(".")) {
            continue;
          }
          MlflowArtifacts.FileInfo.Builder f =
              MlflowArtifacts.FileInfo.newBuilder()
                  .setPath(c.getFileName().toString())
                  .setIsDir(Files.isDirectory(c));
          if (!Files.isDirectory(c)) {
            f.setFileSize(Files.size(c));
          }
          b.addFiles(f);
        }
      }
    }
    return b.build();
  }

  private ResponseDefinition download(String path) throws IOException {
    Path file = resolve(path);
    if (!Files.isRegularFile(file)) {
      return ResponseDefinitionBuilder.responseDefinition()
          .withStatus(500)
          .withHeader("Content-Type", "text/html")
          .withBody(
              "<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>")
          .build();
    }
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(200)
        .withHeader("Content-Type", "application/octet-stream")
        .withBody(Files.readAllBytes(file))
        .build();
  }

  private ResponseDefinition upload(LoggedRequest request, String path) throws IOException {
    write(resolveFile(path), request.getBody());
    return ok(MlflowArtifacts.UploadArtifact.Response.getDefaultInstance());
  }

  private ResponseDefinition delete(LoggedRequest request, String path) throws IOException {
    server().parseBody(request, MlflowArtifacts.DeleteArtifact.newBuilder());
    Path target = resolve(path);
    if (Files.exists(target)) {
      try (Stream<Path> walk = Files.walk(target)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return ok(MlflowArtifacts.DeleteArtifact.Response.getDefaultInstance());
  }

  private ResponseDefinition create(LoggedRequest request, String dir) {
    var r = server().parseBody(request, MlflowArtifacts.CreateMultipartUpload.newBuilder());
    if (!multipart) {
      return FakeMlflowServer.error(
          501,
          "NOT_IMPLEMENTED",
          "Multipart upload is not supported for the current artifact repository");
    }
    String id = UUID.randomUUID().toString();
    uploads.put(id, new ConcurrentHashMap<>());
    MlflowArtifacts.CreateMultipartUpload.Response.Builder b =
        MlflowArtifacts.CreateMultipartUpload.Response.newBuilder().setUploadId(id);
    for (int n = 1; n <= r.getNumParts(); n++) {
      b.addCredentials(
          MlflowArtifacts.MultipartUploadCredential.newBuilder()
              .setPartNumber(n)
              .setUrl(server().uri() + "/fake-presigned/" + id + "/" + n)
              .putHeaders("x-fake-part", String.valueOf(n)));
    }
    return ok(b.build());
  }

  private ResponseDefinition putPart(LoggedRequest request, String sub) throws Exception {
    String[] parts = sub.split("/");
    Map<Integer, byte[]> upload = uploads.get(parts[0]);
    if (upload == null || !parts[1].equals(request.getHeader("x-fake-part"))) {
      return ResponseDefinitionBuilder.responseDefinition()
          .withStatus(403)
          .withBody("bad upload")
          .build();
    }
    byte[] body = request.getBody();
    upload.put(Integer.parseInt(parts[1]), body);
    String etag =
        "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)) + "\"";
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(200)
        .withHeader("ETag", etag)
        .build();
  }

  private ResponseDefinition complete(LoggedRequest request, String dir) throws Exception {
    var r = server().parseBody(request, MlflowArtifacts.CompleteMultipartUpload.newBuilder());
    Map<Integer, byte[]> upload = uploads.remove(r.getUploadId());
    if (upload == null || upload.size() != r.getPartsCount()) {
      throw new FakeMlflowServer.ApiError(
          400, "INVALID_PARAMETER_VALUE", "Unknown or incomplete upload");
    }
    Path target = resolveFile(dir.isEmpty() ? r.getPath() : dir + "/" + r.getPath());
    Path tmp = Files.createTempFile(root, ".mpu-", ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      for (var part :
          r.getPartsList().stream()
              .sorted(java.util.Comparator.comparingLong(p -> p.getPartNumber()))
              .toList()) {
        byte[] bytes = upload.get((int) part.getPartNumber());
        String etag =
            "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)) + "\"";
        if (!etag.equals(part.getEtag())) {
          throw new FakeMlflowServer.ApiError(
              400, "INVALID_PARAMETER_VALUE", "ETag mismatch for part " + part.getPartNumber());
        }
        out.write(bytes);
      }
    }
    Files.createDirectories(target.getParent());
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    return ok(MlflowArtifacts.CompleteMultipartUpload.Response.getDefaultInstance());
  }

  private ResponseDefinition abort(LoggedRequest request, String dir) {
    var r = server().parseBody(request, MlflowArtifacts.AbortMultipartUpload.newBuilder());
    uploads.remove(r.getUploadId());
    return ok(MlflowArtifacts.AbortMultipartUpload.Response.getDefaultInstance());
  }

  private static ResponseDefinition ok(org.mlflow_project.google.protobuf.Message m) {
    return FakeMlflowServer.json(200, ProtoJson.print(m, true));
  }

  private void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), ".upload-", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path resolveFile(String path) {
    if (path.isEmpty()) {
      throw new FakeMlflowServer.ApiError(400, "INVALID_PARAMETER_VALUE", "Artifact path is empty");
    }
    return resolve(path);
  }

  /** {@code path} under the root; {@code ..} and absolute paths are refused as MLflow does. */
  private Path resolve(String path) {
    for (String part : List.of(path.split("/"))) {
      if (part.equals("..")) {
        throw new FakeMlflowServer.ApiError(
            400, "INVALID_PARAMETER_VALUE", "Invalid path: " + path);
      }
    }
    Path p = root.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
    if (!p.startsWith(root)) {
      throw new FakeMlflowServer.ApiError(400, "INVALID_PARAMETER_VALUE", "Invalid path: " + path);
    }
    return p;
  }
}
