package dev.mlops.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.StorageException;
import dev.mlops.BackendUnavailableException;
import dev.mlops.NotFoundException;
import dev.mlops.PermissionDeniedException;
import java.io.IOException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GCS error mapping")
class GcsErrorsTest {

  private final GcsErrors errors =
      new GcsErrors(GcsArtifactStoreProvider.URIS.parse("gs://bkt/pre"));

  @Test
  @DisplayName("a missing bucket is named; a missing object is NotFound with its URI")
  void notFound() {
    assertThat(
            errors.map(
                new StorageException(404, "The specified bucket does not exist."),
                "uploading",
                "pre/x"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("GCS bucket 'bkt' does not exist");
    assertThat(
            errors.map(new StorageException(404, "No such object: bkt/pre/x"), "reading", "pre/x"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("gs://bkt/pre/x");
  }

  @Test
  @DisplayName("403 is a PermissionDeniedException pointing at credentials and IAM")
  void denied() {
    assertThat(
            errors.map(
                new StorageException(403, "caller does not have storage.objects.create"),
                "uploading",
                "pre/x"))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("Access denied while uploading gs://bkt/pre/x")
        .hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS");
  }

  @Test
  @DisplayName("429, 5xx and network failures are BackendUnavailableExceptions")
  void unavailable() {
    assertThat(errors.map(new StorageException(503, "backend"), "listing", "pre/"))
        .isInstanceOf(BackendUnavailableException.class);
    assertThat(errors.map(new StorageException(429, "rate"), "listing", "pre/"))
        .isInstanceOf(BackendUnavailableException.class);
    assertThat(
            errors.map(
                new StorageException(new UnknownHostException("storage.googleapis.com")),
                "listing",
                "pre/"))
        .isInstanceOf(BackendUnavailableException.class);
    assertThat(errors.map(new IOException("reset"), "reading", "pre/x"))
        .isInstanceOf(BackendUnavailableException.class);
  }

  @Test
  @DisplayName("a CRC32C mismatch says nothing was stored")
  void checksum() {
    assertThat(
            errors.map(
                new StorageException(
                    400, "Provided CRC32C \"AAAAAA==\" doesn't match calculated CRC32C"),
                "uploading",
                "pre/x"))
        .hasMessageContaining("nothing was stored");
  }
}
