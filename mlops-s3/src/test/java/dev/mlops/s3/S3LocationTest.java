package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.artifacts.BucketLocation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("S3 locations")
class S3LocationTest {

  private static BucketLocation parse(String uri) {
    return S3ArtifactStoreProvider.URIS.parse(uri);
  }

  @Test
  @DisplayName("an s3:// or s3a:// URI splits into bucket and a prefix without outer slashes")
  void parses() {
    assertThat(parse("s3://bucket/a/b/")).isEqualTo(new BucketLocation("s3", "bucket", "a/b"));
    assertThat(parse("S3A://bucket")).isEqualTo(new BucketLocation("s3a", "bucket", ""));
    assertThat(parse("s3://bucket//x//y?versionId=1"))
        .isEqualTo(new BucketLocation("s3", "bucket", "x/y"));
    assertThat(parse("s3a://bkt/runs/1").rootUri()).isEqualTo("s3a://bkt/runs/1");
  }

  @Test
  @DisplayName("bucket names of S3-compatible stores with uppercase and '_' are accepted")
  void lenientBuckets() {
    assertThat(parse("s3://My_Bucket/x").bucket()).isEqualTo("My_Bucket");
  }

  @Test
  @DisplayName(
      "a URI without a bucket, with a bad bucket name or with '..' is refused with the rule")
  void refuses() {
    assertThatThrownBy(() -> parse("s3:///x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("S3 URI 's3:///x' names no bucket: expected s3://bucket/prefix.");
    assertThatThrownBy(() -> parse("s3://a/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("S3 bucket name 'a'")
        .hasMessageContaining("3-63 characters");
    assertThatThrownBy(() -> parse("s3://bucket/../x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'..'");
    assertThatThrownBy(() -> parse("gs://bucket/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "'gs://bucket/x' is not an S3 URI: expected s3://bucket/prefix"
                + " (or s3a://bucket/prefix).");
  }
}
