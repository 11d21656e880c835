package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.MlopsException;
import dev.mlops.mlflow.RestClient.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The artifacts proxy's multipart upload: {@code mpu/create} hands out one pre-signed URL per part,
 * each part is {@code PUT} there, and {@code mpu/complete} joins them ({@code mpu/abort} on
 * failure). As in MLflow's own client, the URL names the destination directory and the body the
 * file name.
 */
final class MultipartUpload {

  private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);

  private final RestClient rest;
  private final ArtifactLocation location;

  MultipartUpload(RestClient rest, ArtifactLocation location) {
    this.rest = rest;
    this.location = location;
  }

  /**
   * Uploads {@code file} to {@code path} in parts; false when the server's storage has no multipart
   * support (HTTP 501), so the caller uploads it in one request instead.
   */
  boolean upload(Path file, String path, long size, long chunkSize) {
    int slash = path.lastIndexOf('/');
    String dir = location.join(slash < 0 ? "" : path.substring(0, slash));
    String name = path.substring(slash + 1);
    long parts = Math.max(1, (size + chunkSize - 1) / chunkSize);
    ObjectNode create = Json.object().put("path", name).put("num_parts", parts);
    Request request = post("create", dir, create, true);
    JsonNode created;
    try (Response response = rest.execute(request, Retry.UNSAFE)) {
      String body = response.body().string();
      if (response.code() == 501) {
        LOG.debug("The artifacts server has no multipart upload for {}; sending it whole", path);
        return false;
      }
      if (!response.isSuccessful()) {
        throw rest.error(request, response.code(), body);
      }
      created = Json.parseOrNull(body);
    } catch (IOException e) {
      throw ServerErrors.fromIoFailure(e, RestClient.describe(request), rest.base().toString(), 1);
    }
    if (created == null) {
      throw new MlopsException(RestClient.describe(request) + " answered with a non-JSON body.");
    }
    String uploadId = Json.text(created, "upload_id");
    try {
      ArrayNode done = Json.MAPPER.createArrayNode();
      List<JsonNode> credentials = new ArrayList<>();
      Json.list(created, "credentials").forEach(credentials::add);
      credentials.sort(Comparator.comparingLong(c -> Json.int64(c, "part_number", 0)));
      for (JsonNode credential : credentials) {
        long number = Json.int64(credential, "part_number", 0);
        long offset = (number - 1) * chunkSize;
        long length = Math.min(chunkSize, size - offset);
        String url = Json.text(credential, "url");
        String etag = putPart(file, offset, length, url, credential.path("headers"));
        done.addObject().put("part_number", number).put("etag", etag).put("url", url);
      }
      ObjectNode complete = Json.object().put("path", name).put("upload_id", uploadId);
      complete.set("parts", done);
      rest.json(post("complete", dir, complete, false), Retry.SAFE);
      return true;
    } catch (RuntimeException e) {
      abort(dir, name, uploadId, e);
      throw e;
    }
  }

  private String putPart(Path file, long offset, long length, String url, JsonNode headers) {
    HttpUrl target = HttpUrl.parse(url);
    if (target == null) {
      throw new MlopsException(
          "The artifacts server handed out a malformed part upload URL; cannot upload.");
    }
    Request.Builder b = new Request.Builder().url(target).put(new FileRegion(file, offset, length));
    for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> h = it.next();
      b.header(h.getKey(), h.getValue().asText());
    }
    Request request = b.build();
    try (Response response = rest.execute(request, Retry.SAFE)) {
      String body = response.body().string();
      if (!response.isSuccessful()) {
        throw rest.error(request, response.code(), body);
      }
      String etag = response.header("ETag");
      return etag == null ? "" : etag;
    } catch (IOException e) {
      throw ServerErrors.fromIoFailure(e, "PUT part of " + file, target.host(), 1);
    }
  }

  private void abort(String dir, String name, String uploadId, RuntimeException cause) {
    try {
      rest.json(
          post("abort", dir, Json.object().put("path", name).put("upload_id", uploadId), false),
          Retry.SAFE);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private Request post(String action, String dir, ObjectNode body, boolean oneShot) {
    HttpUrl.Builder url = rest.url("mlflow-artifacts/mpu/" + action);
    if (!dir.isEmpty()) {
      url.addPathSegments(dir);
    }
    return new Request.Builder()
        .url(url.build())
        .post(RestClient.jsonBody(Json.write(body).getBytes(StandardCharsets.UTF_8), oneShot))
        .build();
  }

  /** A byte range of a file as a request body, read when sent (and again on a retry). */
  private static final class FileRegion extends RequestBody {
    private final Path file;
    private final long offset;
    private final long length;

    FileRegion(Path file, long offset, long length) {
      this.file = file;
      this.offset = offset;
      this.length = length;
    }

    @Override
    public MediaType contentType() {
      return MlflowArtifactStore.OCTET_STREAM;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        channel.position(offset);
        try (InputStream in = Channels.newInputStream(channel);
            Source source = Okio.source(in)) {
          sink.write(source, length);
        }
      }
    }
  }
}
