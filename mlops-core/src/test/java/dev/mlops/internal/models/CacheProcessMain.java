package dev.mlops.internal.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child JVM for {@link ModelCacheTest}: prints {@code ready}, fetches one key through the cache,
 * and prints {@code path=<result>}. Every real download leaves a file in the count directory.
 *
 * <p>Arguments: cache directory, key, source file, count directory.
 */
public final class CacheProcessMain {

  private CacheProcessMain() {}

  public static void main(String[] args) {
    Path cacheDir = Path.of(args[0]);
    String key = args[1];
    Path source = Path.of(args[2]);
    Path countDir = Path.of(args[3]);
    ModelCache cache = new ModelCache(cacheDir);
    System.out.println("ready");
    System.out.flush();
    Path result =
        cache.get(
            key,
            dir -> {
              try {
                Files.createFile(countDir.resolve("download-" + ProcessHandle.current().pid()));
                Path model = Files.createDirectories(dir.resolve("model"));
                Files.copy(source, model.resolve("weights.bin"));
                return model;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    System.out.println("path=" + result);
    System.out.flush();
  }
}
