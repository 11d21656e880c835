package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

@DisplayName("MLFLOW_S3_UPLOAD_EXTRA_ARGS")
class UploadExtraArgsTest {

  @Test
  @DisplayName("SSE-KMS arguments reach both kinds of upload request, with our metadata added")
  void kms() {
    UploadExtraArgs args =
        UploadExtraArgs.parse(
            "{\"ServerSideEncryption\": \"aws:kms\", \"SSEKMSKeyId\": \"alias/ml\","
                + " \"BucketKeyEnabled\": true, \"Metadata\": {\"team\": \"risk\"}}");
    PutObjectRequest.Builder put = PutObjectRequest.builder();
    CreateMultipartUploadRequest.Builder mpu = CreateMultipartUploadRequest.builder();
    args.applyTo(put, Map.of());
    args.applyTo(mpu, Map.of("mlops-part-size", "8"));

    assertThat(args.hidesMd5Etag()).isTrue();
    assertThat(put.build().serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
    assertThat(put.build().ssekmsKeyId()).isEqualTo("alias/ml");
    assertThat(put.build().bucketKeyEnabled()).isTrue();
    assertThat(put.build().metadata()).containsExactly(Map.entry("team", "risk"));
    assertThat(mpu.build().ssekmsKeyId()).isEqualTo("alias/ml");
    assertThat(mpu.build().metadata())
        .containsEntry("team", "risk")
        .containsEntry("mlops-part-size", "8");
  }

  @Test
  @DisplayName("SSE-S3 keeps ETags as MD5s; nothing set changes nothing")
  void sseS3() {
    assertThat(UploadExtraArgs.parse("{\"ServerSideEncryption\": \"AES256\"}").hidesMd5Etag())
        .isFalse();
    assertThat(UploadExtraArgs.parse(null)).isEqualTo(UploadExtraArgs.NONE);
    assertThat(UploadExtraArgs.parse(" ")).isEqualTo(UploadExtraArgs.NONE);
  }

  @Test
  @DisplayName("unknown keys and malformed JSON are refused with the supported keys listed")
  void refuses() {
    assertThatThrownBy(() -> UploadExtraArgs.parse("{\"SSECustomerKey\": \"k\"}"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'SSECustomerKey'")
        .hasMessageContaining("ServerSideEncryption, SSEKMSKeyId");
    assertThatThrownBy(() -> UploadExtraArgs.parse("{not json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> UploadExtraArgs.parse("[1]"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("JSON object");
  }
}
