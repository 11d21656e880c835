package dev.mlops.internal.tracking;

import dev.mlops.MlopsException;
import dev.mlops.Page;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/** Follows page tokens: every item of a paged result, fetched a page at a time. */
final class Pages {

  private Pages() {}

  /**
   * A stream that fetches the first page when it is first consumed and each next page only when the
   * previous one is used up.
   *
   * @param firstToken token of the first page to fetch, null for the beginning
   * @param fetch fetches the page for a token
   */
  static <T> Stream<T> stream(
      @Nullable String firstToken, Function<@Nullable String, Page<T>> fetch) {
    return StreamSupport.stream(new PageSpliterator<>(firstToken, fetch), false);
  }

  /** Every item, following tokens until the last page. */
  static <T> List<T> collect(Function<@Nullable String, Page<T>> fetch) {
    List<T> all = new ArrayList<>();
    new PageSpliterator<>(null, fetch).forEachRemaining(all::add);
    return all;
  }

  /** Lazily walks the pages; ordered, not splittable. */
  private static final class PageSpliterator<T> implements Spliterator<T> {
    private final Function<@Nullable String, Page<T>> fetch;
    private @Nullable String token;
    private boolean lastPage;
    private Iterator<T> items = Collections.emptyIterator();

    PageSpliterator(@Nullable String firstToken, Function<@Nullable String, Page<T>> fetch) {
      this.token = firstToken;
      this.fetch = fetch;
    }

    @Override
    public boolean tryAdvance(Consumer<? super T> action) {
      while (!items.hasNext()) {
        if (lastPage) {
          return false;
        }
        Page<T> page = fetch.apply(token);
        String next = page.nextPageToken();
        if (next != null && Objects.equals(next, token)) {
          throw new MlopsException(
              "The backend returned page token '"
                  + next
                  + "' for the page it was asked for with that same token; stopping to avoid an"
                  + " endless loop. This is a backend bug.");
        }
        items = page.items().iterator();
        token = next;
        lastPage = next == null;
      }
      action.accept(items.next());
      return true;
    }

    @Override
    public @Nullable Spliterator<T> trySplit() {
      return null;
    }

    @Override
    public long estimateSize() {
      return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
      return ORDERED | NONNULL;
    }
  }
}
