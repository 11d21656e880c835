package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.BackendUnavailableException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.PermissionDeniedException;
import java.net.ConnectException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

@DisplayName("S3 error mapping")
class S3ErrorsTest {

  private final S3Errors errors =
      new S3Errors(S3ArtifactStoreProvider.URIS.parse("s3://bkt/pre"), "http://127.0.0.1:9000");

  private static S3Exception s3(String code, int status) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage(code + " message").build())
            .build();
  }

  @Test
  @DisplayName("AccessDenied is a PermissionDeniedException naming the bucket, key and permissions")
  void accessDenied() {
    MlopsException e = errors.map(s3("AccessDenied", 403), "uploading", "pre/m.bin");

    assertThat(e)
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("Access denied while uploading s3://bkt/pre/m.bin")
        .hasMessageContaining("bucket 'bkt'")
        .hasMessageContaining("s3:PutObject");
  }

  @Test
  @DisplayName(
      "an unknown access key is a PermissionDeniedException pointing at the credential settings")
  void badKey() {
    assertThat(errors.map(s3("InvalidAccessKeyId", 403), "listing", "pre/"))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("rejected the credentials")
        .hasMessageContaining("AWS_ACCESS_KEY_ID");
  }

  @Test
  @DisplayName("NoSuchBucket names the bucket and the endpoint; other 404s name the object")
  void notFound() {
    assertThat(errors.map(s3("NoSuchBucket", 404), "listing", "pre/"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("S3 bucket 'bkt' does not exist at http://127.0.0.1:9000");
    assertThat(errors.map(s3("NoSuchKey", 404), "reading", "pre/x"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("No S3 object at s3://bkt/pre/x");
  }

  @Test
  @DisplayName("throttling, server errors and refused connections are BackendUnavailableExceptions")
  void unavailable() {
    assertThat(errors.map(s3("SlowDown", 503), "uploading", "k"))
        .isInstanceOf(BackendUnavailableException.class);
    assertThat(errors.map(s3("InternalError", 500), "uploading", "k"))
        .isInstanceOf(BackendUnavailableException.class);
    SdkClientException refused =
        SdkClientException.builder()
            .message("Unable to execute HTTP request")
            .cause(new ConnectException("Connection refused"))
            .build();
    assertThat(errors.map(refused, "uploading", "k"))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("Cannot reach S3 at http://127.0.0.1:9000")
        .hasMessageContaining("MLFLOW_S3_ENDPOINT_URL");
  }

  @Test
  @DisplayName(
      "a bad digest says the data was refused and nothing stored; a failed precondition says the object changed")
  void integrity() {
    assertThat(errors.map(s3("BadDigest", 400), "uploading", "k"))
        .hasMessageContaining("nothing was stored");
    assertThat(errors.map(s3("PreconditionFailed", 412), "downloading", "k"))
        .hasMessageContaining("changed on S3 while downloading it");
  }
}
