package dev.mlops.serving;

import dev.mlops.BackendUnavailableException;
import dev.mlops.spi.BackendContext;
import dev.mlops.spi.TrackingBackend;
import dev.mlops.spi.TrackingBackendProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The embedded store behind a {@code flaky-sqlite:} URI whose first {@code FLAKY_FAILURES} (a
 * setting, default 0) batch writes fail as an unreachable tracking server's would, with {@link
 * BackendUnavailableException}. Everything else goes straight to the embedded store.
 */
public final class FlakyStoreProvider implements TrackingBackendProvider {

  static final String SCHEME = "flaky-sqlite";

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  @Override
  public TrackingBackend create(BackendContext context) {
    BackendContext embedded = embeddedContext(context);
    TrackingBackend delegate =
        ServiceLoader.load(TrackingBackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("sqlite"))
            .findFirst()
            .orElseThrow()
            .create(embedded);
    AtomicInteger failuresLeft =
        new AtomicInteger(Integer.parseInt(context.setting("FLAKY_FAILURES").orElse("0")));
    return (TrackingBackend)
        Proxy.newProxyInstance(
            TrackingBackend.class.getClassLoader(),
            new Class<?>[] {TrackingBackend.class},
            (proxy, method, args) -> {
              if (method.getName().equals("logBatch") && failuresLeft.getAndDecrement() > 0) {
                throw new BackendUnavailableException("flaky-sqlite: batch write refused");
              }
              return call(method, delegate, args);
            });
  }

  /** The same context with the URI the embedded store understands. */
  private static BackendContext embeddedContext(BackendContext context) {
    String uri = context.uri().substring("flaky-".length());
    return (BackendContext)
        Proxy.newProxyInstance(
            BackendContext.class.getClassLoader(),
            new Class<?>[] {BackendContext.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "uri" -> uri;
                  case "parsedUri" -> URI.create(uri);
                  default -> call(method, context, args);
                });
  }

  private static @Nullable Object call(Method method, Object target, @Nullable Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
