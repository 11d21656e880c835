package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("S3 locations")
class S3LocationTest {

  @Test
  @DisplayName("a URI splits into bucket and a prefix without outer slashes")
  void parses() {
    assertThat(S3Location.parse("s3://bucket/a/b/"))
        .isEqualTo(new S3Location("s3", "bucket", "a/b"));
    assertThat(S3Location.parse("S3A://bucket")).isEqualTo(new S3Location("s3a", "bucket", ""));
    assertThat(S3Location.parse("s3://bucket//x//y?versionId=1"))
        .isEqualTo(new S3Location("s3", "bucket", "x/y"));
  }

  @Test
  @DisplayName("keys, listing prefixes and paths map both ways, with and without a prefix")
  void mapsKeys() {
    S3Location rooted = S3Location.parse("s3://bkt");
    S3Location nested = S3Location.parse("s3://bkt/runs/1/artifacts");

    assertThat(rooted.key("m/x.bin")).isEqualTo("m/x.bin");
    assertThat(rooted.directoryPrefix("")).isEmpty();
    assertThat(rooted.relativePath("m/x.bin")).isEqualTo("m/x.bin");
    assertThat(nested.key("m/x.bin")).isEqualTo("runs/1/artifacts/m/x.bin");
    assertThat(nested.key("")).isEqualTo("runs/1/artifacts");
    assertThat(nested.directoryPrefix("")).isEqualTo("runs/1/artifacts/");
    assertThat(nested.directoryPrefix("m")).isEqualTo("runs/1/artifacts/m/");
    assertThat(nested.relativePath("runs/1/artifacts/m/x.bin")).isEqualTo("m/x.bin");
    assertThat(nested.rootUri()).isEqualTo("s3://bkt/runs/1/artifacts");
  }

  @Test
  @DisplayName(
      "a URI without a bucket, with a bad bucket name or with '..' is refused with the rule")
  void refuses() {
    assertThatThrownBy(() -> S3Location.parse("s3:///x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("names no bucket");
    assertThatThrownBy(() -> S3Location.parse("s3://a/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("bucket name 'a'");
    assertThatThrownBy(() -> S3Location.parse("s3://bucket/../x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'..'");
    assertThatThrownBy(() -> S3Location.parse("gs://bucket/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not an S3 URI");
  }
}
