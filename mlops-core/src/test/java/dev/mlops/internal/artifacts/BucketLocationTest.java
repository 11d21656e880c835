package dev.mlops.internal.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bucket locations")
class BucketLocationTest {

  private static final BucketLocation.Syntax STORE =
      new BucketLocation.Syntax(
          "OBJ",
          "an object-store URI",
          List.of("obj", "obja"),
          Pattern.compile("^[a-z]{3,10}$"),
          "3-10 lowercase letters");

  @Test
  @DisplayName("a URI splits into scheme, bucket and a prefix without outer slashes or query")
  void parses() {
    assertThat(STORE.parse("obj://bucket/a/b/"))
        .isEqualTo(new BucketLocation("obj", "bucket", "a/b"));
    assertThat(STORE.parse("OBJA://bucket")).isEqualTo(new BucketLocation("obja", "bucket", ""));
    assertThat(STORE.parse("obj://bucket//x//y?versionId=1"))
        .isEqualTo(new BucketLocation("obj", "bucket", "x/y"));
    assertThat(STORE.parse("obj://bucket/").prefix()).isEmpty();
  }

  @Test
  @DisplayName("a URI of another scheme is refused naming every accepted form")
  void otherScheme() {
    assertThatThrownBy(() -> STORE.parse("s3://bucket/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "'s3://bucket/x' is not an object-store URI: expected obj://bucket/prefix"
                + " (or obja://bucket/prefix).");
    assertThatThrownBy(() -> STORE.parse("bucket/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not an object-store URI");
    BucketLocation.Syntax single =
        new BucketLocation.Syntax("ONE", "a one URI", List.of("one"), Pattern.compile(".+"), "any");
    assertThatThrownBy(() -> single.parse("obj://bucket"))
        .hasMessage("'obj://bucket' is not a one URI: expected one://bucket/prefix.");
  }

  @Test
  @DisplayName(
      "a URI without a bucket, with a bad bucket name or with '..' is refused with the rule")
  void refuses() {
    assertThatThrownBy(() -> STORE.parse("obja:///x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("OBJ URI 'obja:///x' names no bucket: expected obj://bucket/prefix.");
    assertThatThrownBy(() -> STORE.parse("obj://ab/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "OBJ bucket name 'ab' in 'obj://ab/x' is invalid: bucket names are 3-10 lowercase"
                + " letters.");
    assertThatThrownBy(() -> STORE.parse("obj://bucket/../x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'..'");
  }

  @Test
  @DisplayName("a syntax without schemes is refused")
  void noSchemes() {
    assertThatThrownBy(
            () -> new BucketLocation.Syntax("X", "an X URI", List.of(), Pattern.compile(".*"), ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("keys, listing prefixes, paths and URIs map both ways, with and without a prefix")
  void mapsKeys() {
    BucketLocation rooted = STORE.parse("obj://bkt");
    BucketLocation nested = STORE.parse("obja://bkt/runs/1/artifacts");

    assertThat(rooted.key("m/x.bin")).isEqualTo("m/x.bin");
    assertThat(rooted.key("")).isEmpty();
    assertThat(rooted.directoryPrefix("")).isEmpty();
    assertThat(rooted.directoryPrefix("m")).isEqualTo("m/");
    assertThat(rooted.relativePath("m/x.bin")).isEqualTo("m/x.bin");
    assertThat(rooted.rootUri()).isEqualTo("obj://bkt");
    assertThat(nested.key("m/x.bin")).isEqualTo("runs/1/artifacts/m/x.bin");
    assertThat(nested.key("")).isEqualTo("runs/1/artifacts");
    assertThat(nested.directoryPrefix("")).isEqualTo("runs/1/artifacts/");
    assertThat(nested.directoryPrefix("m")).isEqualTo("runs/1/artifacts/m/");
    assertThat(nested.relativePath("runs/1/artifacts/m/x.bin")).isEqualTo("m/x.bin");
    assertThat(nested.relativePath("runs/1/artifacts")).isEmpty();
    assertThat(nested.uriOf("runs/1/artifacts/m")).isEqualTo("obja://bkt/runs/1/artifacts/m");
    assertThat(nested.rootUri()).isEqualTo("obja://bkt/runs/1/artifacts");
  }
}
