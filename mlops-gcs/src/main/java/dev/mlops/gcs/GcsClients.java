package dev.mlops.gcs;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.mlops.InvalidInputException;
import dev.mlops.PermissionDeniedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Builds the {@link Storage} client that {@link GcsSettings} describe. */
final class GcsClients {

  private GcsClients() {}

  static Storage create(GcsSettings s) {
    HttpStorageOptions.Builder b = StorageOptions.http();
    if (s.emulatorHost() != null) {
      b.setHost(s.emulatorHost()).setCredentials(NoCredentials.getInstance());
    } else {
      GoogleCredentials credentials = credentials(s);
      b.setCredentials(credentials);
      if (s.projectId() == null && credentials instanceof ServiceAccountCredentials sa) {
        b.setProjectId(sa.getProjectId());
      }
    }
    if (s.projectId() != null) {
      b.setProjectId(s.projectId());
    }
    return b.build().getService();
  }

  private static GoogleCredentials credentials(GcsSettings s) {
    if (s.credentialsFile() != null) {
      Path file = Path.of(s.credentialsFile());
      try (InputStream in = Files.newInputStream(file)) {
        return parse(in);
      } catch (NoSuchFileException e) {
        throw new InvalidInputException(
            "GOOGLE_APPLICATION_CREDENTIALS names '"
                + file
                + "', which does not exist. Point it at a service-account key file, or unset it to"
                + " use application-default credentials.",
            e);
      } catch (IOException | IllegalArgumentException e) {
        throw new InvalidInputException(
            "GOOGLE_APPLICATION_CREDENTIALS names '"
                + file
                + "', which is not a usable credentials file ("
                + e.getMessage()
                + "). Download a service-account key (JSON) or run"
                + " 'gcloud auth application-default login'.",
            e);
      }
    }
    try {
      return GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new PermissionDeniedException(
          "No Google Cloud credentials found for gs:// artifacts: set GOOGLE_APPLICATION_CREDENTIALS"
              + " to a service-account key file (with Mlops.builder().setting(...) or the"
              + " environment), run 'gcloud auth application-default login', or run on Google"
              + " Cloud with a service account attached.",
          e);
    }
  }

  @SuppressWarnings("deprecation") // the file is the user's own, named by them
  private static GoogleCredentials parse(InputStream in) throws IOException {
    return GoogleCredentials.fromStream(in);
  }
}
