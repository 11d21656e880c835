package dev.mlops.gcs;

import dev.mlops.InvalidInputException;
import dev.mlops.spi.BackendContext;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How to reach Cloud Storage, resolved from a {@link BackendContext}'s settings.
 *
 * @param credentialsFile service-account or other credentials JSON ({@code
 *     GOOGLE_APPLICATION_CREDENTIALS}); null for application-default credentials
 * @param projectId the project billed for requests, when set ({@code GOOGLE_CLOUD_PROJECT})
 * @param emulatorHost an emulator's {@code http://host:port} ({@code STORAGE_EMULATOR_HOST}); no
 *     credentials are sent to it
 * @param chunkSize bytes per request of resumable uploads, a multiple of 256 KiB
 */
record GcsSettings(
    @Nullable String credentialsFile,
    @Nullable String projectId,
    @Nullable String emulatorHost,
    int chunkSize) {

  static final int QUANTUM = 256 * 1024;
  static final int DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;

  GcsSettings {
    if (chunkSize < QUANTUM || chunkSize % QUANTUM != 0) {
      throw new InvalidInputException(
          "MLOPS_GCS_CHUNK_SIZE is "
              + chunkSize
              + " bytes: it must be a positive multiple of 256 KiB, e.g. 16MiB.");
    }
  }

  static GcsSettings from(BackendContext context) {
    return from(name -> context.setting(name).filter(v -> !v.isBlank()));
  }

  static GcsSettings from(Function<String, Optional<String>> setting) {
    int chunk =
        setting.apply("MLOPS_GCS_CHUNK_SIZE").map(GcsSettings::size).orElse(DEFAULT_CHUNK_SIZE);
    return new GcsSettings(
        setting.apply("GOOGLE_APPLICATION_CREDENTIALS").map(String::trim).orElse(null),
        setting.apply("GOOGLE_CLOUD_PROJECT").map(String::trim).orElse(null),
        setting.apply("STORAGE_EMULATOR_HOST").map(String::trim).orElse(null),
        chunk);
  }

  /** Identifies the client these settings need; equal keys share one client. */
  String clientKey() {
    return "dev.mlops.gcs:" + credentialsFile + "|" + projectId + "|" + emulatorHost;
  }

  private static int size(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
    int factor = 1;
    if (v.endsWith("K")) {
      factor = 1024;
    } else if (v.endsWith("M")) {
      factor = 1024 * 1024;
    }
    if (factor != 1) {
      v = v.substring(0, v.length() - 1).trim();
    }
    try {
      return Math.multiplyExact(Integer.parseInt(v), factor);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException(
          "MLOPS_GCS_CHUNK_SIZE is '" + value + "': give bytes or a size such as 16MiB.");
    }
  }
}
