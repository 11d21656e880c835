package dev.mlops.internal;

import dev.mlops.MlopsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resources shared by the backends of one Mlops, closed in reverse order of creation. */
final class SharedResources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SharedResources.class);

  private final Map<String, AutoCloseable> resources = new LinkedHashMap<>();
  private boolean closed;

  synchronized <T extends AutoCloseable> T get(String key, Class<T> type, Supplier<T> factory) {
    if (closed) {
      throw new MlopsException("This Mlops is closed: open a new one.");
    }
    AutoCloseable existing = resources.get(key);
    if (existing == null) {
      existing = factory.get();
      resources.put(key, existing);
    }
    return type.cast(existing);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<AutoCloseable> list = new ArrayList<>(resources.values());
    for (int i = list.size() - 1; i >= 0; i--) {
      try {
        list.get(i).close();
      } catch (Exception e) {
        LOG.warn("Failed to close {}: {}", list.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    resources.clear();
  }
}
