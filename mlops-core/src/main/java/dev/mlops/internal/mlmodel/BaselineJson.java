package dev.mlops.internal.mlmodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.InvalidInputException;
import dev.mlops.model.BaselineProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads and writes {@link BaselineProfile} as one JSON object. */
public final class BaselineJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BaselineJson() {}

  private record Stored(
      String input, long rows, java.util.List<BaselineProfile.Feature> features) {}

  /** The JSON text of {@code profile}. */
  public static String write(BaselineProfile profile) {
    try {
      return JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(new Stored(profile.input(), profile.rows(), profile.features()));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write a baseline profile as JSON", e);
    }
  }

  /** The profile in {@code file}, empty when there is no such file. */
  public static Optional<BaselineProfile> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Stored s = JSON.readValue(file.toFile(), Stored.class);
      return Optional.of(new BaselineProfile(s.input(), s.rows(), s.features()));
    } catch (IOException e) {
      throw new InvalidInputException(
          "Baseline profile '"
              + file
              + "' is not valid: "
              + e.getMessage()
              + ". Log the model again to rewrite it.",
          e);
    }
  }
}
