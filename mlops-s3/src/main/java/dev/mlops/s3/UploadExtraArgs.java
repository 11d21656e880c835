package dev.mlops.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Extra arguments for every object written, read from {@code MLFLOW_S3_UPLOAD_EXTRA_ARGS}: the same
 * JSON object MLflow passes to boto3, e.g. {@code {"ServerSideEncryption": "aws:kms",
 * "SSEKMSKeyId": "alias/ml"}}.
 *
 * @param values the accepted keys and their values, in the order given
 */
record UploadExtraArgs(Map<String, Object> values) {

  static final UploadExtraArgs NONE = new UploadExtraArgs(Map.of());

  /** The keys understood, in boto3's spelling. */
  static final List<String> SUPPORTED =
      List.of(
          "ServerSideEncryption",
          "SSEKMSKeyId",
          "SSEKMSEncryptionContext",
          "BucketKeyEnabled",
          "ACL",
          "StorageClass",
          "CacheControl",
          "ContentType",
          "ContentEncoding",
          "ContentDisposition",
          "ContentLanguage",
          "Metadata",
          "Tagging");

  UploadExtraArgs {
    values = Map.copyOf(values);
  }

  static UploadExtraArgs parse(@Nullable String json) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "MLFLOW_S3_UPLOAD_EXTRA_ARGS is not valid JSON ("
              + e.getOriginalMessage()
              + "): give a JSON object such as {\"ServerSideEncryption\": \"AES256\"}.");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(
          "MLFLOW_S3_UPLOAD_EXTRA_ARGS must be a JSON object such as"
              + " {\"ServerSideEncryption\": \"AES256\"}.");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (!SUPPORTED.contains(name)) {
        throw new InvalidInputException(
            "MLFLOW_S3_UPLOAD_EXTRA_ARGS has key '"
                + name
                + "', which is not supported. Supported keys: "
                + String.join(", ", SUPPORTED)
                + ".");
      }
      if (name.equals("Metadata")) {
        if (!v.isObject()) {
          throw new InvalidInputException(
              "MLFLOW_S3_UPLOAD_EXTRA_ARGS 'Metadata' must be a JSON object of strings.");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        v.properties().forEach(m -> meta.put(m.getKey(), m.getValue().asText()));
        values.put(name, Map.copyOf(meta));
      } else if (name.equals("BucketKeyEnabled")) {
        values.put(name, v.asBoolean());
      } else {
        if (!v.isValueNode()) {
          throw new InvalidInputException(
              "MLFLOW_S3_UPLOAD_EXTRA_ARGS '" + name + "' must be a string, got " + v + ".");
        }
        values.put(name, v.asText());
      }
    }
    return new UploadExtraArgs(values);
  }

  /** Whether the store's ETags stop being the MD5 of the content (SSE-KMS, DSSE-KMS). */
  boolean hidesMd5Etag() {
    Object sse = values.get("ServerSideEncryption");
    return sse != null && sse.toString().toLowerCase(Locale.ROOT).startsWith("aws:kms");
  }

  @Nullable String contentType() {
    Object v = values.get("ContentType");
    return v == null ? null : v.toString();
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> metadata() {
    Object v = values.get("Metadata");
    return v == null ? Map.of() : (Map<String, String>) v;
  }

  private @Nullable String string(String name) {
    Object v = values.get(name);
    return v == null ? null : v.toString();
  }

  /** Applies the arguments to a single-request upload; {@code metadata} is added to any given. */
  void applyTo(PutObjectRequest.Builder b, Map<String, String> metadata) {
    b.serverSideEncryption(string("ServerSideEncryption"))
        .ssekmsKeyId(string("SSEKMSKeyId"))
        .ssekmsEncryptionContext(string("SSEKMSEncryptionContext"))
        .acl(string("ACL"))
        .storageClass(string("StorageClass"))
        .cacheControl(string("CacheControl"))
        .contentEncoding(string("ContentEncoding"))
        .contentDisposition(string("ContentDisposition"))
        .contentLanguage(string("ContentLanguage"))
        .tagging(string("Tagging"))
        .metadata(merged(metadata));
    Object bucketKey = values.get("BucketKeyEnabled");
    if (bucketKey != null) {
      b.bucketKeyEnabled((Boolean) bucketKey);
    }
  }

  /** Applies the arguments to the start of a multipart upload. */
  void applyTo(CreateMultipartUploadRequest.Builder b, Map<String, String> metadata) {
    b.serverSideEncryption(string("ServerSideEncryption"))
        .ssekmsKeyId(string("SSEKMSKeyId"))
        .ssekmsEncryptionContext(string("SSEKMSEncryptionContext"))
        .acl(string("ACL"))
        .storageClass(string("StorageClass"))
        .cacheControl(string("CacheControl"))
        .contentEncoding(string("ContentEncoding"))
        .contentDisposition(string("ContentDisposition"))
        .contentLanguage(string("ContentLanguage"))
        .tagging(string("Tagging"))
        .metadata(merged(metadata));
    Object bucketKey = values.get("BucketKeyEnabled");
    if (bucketKey != null) {
      b.bucketKeyEnabled((Boolean) bucketKey);
    }
  }

  private Map<String, String> merged(Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>(metadata());
    all.putAll(extra);
    return all;
  }
}
