package dev.mlops.gcs;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The google-cloud-nio in-memory {@link Storage}, seen through a proxy that records the {@link
 * BlobInfo}s given to {@code writer}, can rewrite what {@code get} returns (the fake stores no
 * CRC32C), can run a hook on the first write of an upload, and counts the uploads committed (writer
 * closed). The fake shows an empty object as soon as an upload starts; real Cloud Storage creates
 * nothing until the upload is committed.
 */
final class CheckingStorage {

  final List<BlobInfo> written = new CopyOnWriteArrayList<>();
  volatile UnaryOperator<Blob> onGet = UnaryOperator.identity();
  volatile Runnable onFirstWrite = () -> {};
  final AtomicInteger commits = new AtomicInteger();
  final Storage storage;

  CheckingStorage() {
    Storage fake = LocalStorageHelper.getOptions().getService();
    storage =
        (Storage)
            Proxy.newProxyInstance(
                Storage.class.getClassLoader(),
                new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                  Object result;
                  try {
                    result = method.invoke(fake, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                  if (method.getName().equals("get")
                      && args != null
                      && args.length >= 1
                      && args[0] instanceof BlobId
                      && result instanceof Blob blob) {
                    return onGet.apply(blob);
                  }
                  if (method.getName().equals("writer") && args[0] instanceof BlobInfo info) {
                    written.add(info);
                    return firstWriteHook((WriteChannel) result);
                  }
                  return result;
                });
  }

  private WriteChannel firstWriteHook(WriteChannel channel) {
    boolean[] fired = {false};
    return (WriteChannel)
        Proxy.newProxyInstance(
            WriteChannel.class.getClassLoader(),
            new Class<?>[] {WriteChannel.class},
            (proxy, method, args) -> {
              if (method.getName().equals("write") && !fired[0]) {
                fired[0] = true;
                onFirstWrite.run();
              }
              if (method.getName().equals("close")) {
                commits.incrementAndGet();
              }
              try {
                return method.invoke(channel, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
