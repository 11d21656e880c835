package dev.mlops.internal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Page;
import dev.mlops.RunQuery;
import dev.mlops.SearchQuery;
import dev.mlops.ViewType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Page tokens")
class PageTokenTest {
  private static final String EXPECTED =
      "invalid page token; pass the token from the previous page of the same query";

  private static final String FINGERPRINT =
      PageToken.fingerprint("runs", "metrics.a < 1", List.of("metrics.a"), List.of("1"), "ALL");

  @Test
  @DisplayName("a token round-trips to the offset it was made for")
  void roundTrip() {
    for (int offset : new int[] {0, 1, 10, 49_999, 1_000_000}) {
      String token = PageToken.encode(FINGERPRINT, offset);
      assertThat(token).matches("[A-Za-z0-9_-]+");
      assertThat(PageToken.offset(token, FINGERPRINT)).isEqualTo(offset);
    }
  }

  @Test
  @DisplayName("no token, or an empty one, means the first page")
  void absentToken() {
    assertThat(PageToken.offset(null, FINGERPRINT)).isZero();
    assertThat(PageToken.offset("", FINGERPRINT)).isZero();
  }

  @Test
  @DisplayName("the fingerprint changes with every part of the query but is stable for equal ones")
  void fingerprint() {
    String base =
        PageToken.fingerprint("runs", "f", List.of("a", "b"), List.of("1", "2"), "ACTIVE_ONLY");
    assertThat(
            PageToken.fingerprint("runs", "f", List.of("a", "b"), List.of("1", "2"), "ACTIVE_ONLY"))
        .isEqualTo(base);
    assertThat(
            List.of(
                PageToken.fingerprint(
                    "experiments", "f", List.of("a", "b"), List.of("1", "2"), "ACTIVE_ONLY"),
                PageToken.fingerprint(
                    "runs", "g", List.of("a", "b"), List.of("1", "2"), "ACTIVE_ONLY"),
                PageToken.fingerprint(
                    "runs", "f", List.of("b", "a"), List.of("1", "2"), "ACTIVE_ONLY"),
                PageToken.fingerprint("runs", "f", List.of("a", "b"), List.of("1"), "ACTIVE_ONLY"),
                PageToken.fingerprint("runs", "f", List.of("a", "b"), List.of("1", "2"), "ALL"),
                PageToken.fingerprint(
                    "runs", "f", List.of("ab"), List.of("1", "2"), "ACTIVE_ONLY")))
        .doesNotContain(base)
        .doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"garbage!", "%%%", "bm90LWEtdG9rZW4", "djEuMTA", "djEueC55"})
  @DisplayName("garbage is refused with a message saying what to pass")
  void garbage(String token) {
    assertThatThrownBy(() -> PageToken.offset(token, FINGERPRINT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(EXPECTED)
        .hasMessageContaining("'" + token + "'");
  }

  @Test
  @DisplayName("an edited offset is detected")
  void tamperedOffset() {
    String token = PageToken.encode(FINGERPRINT, 10);
    String payload = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    String edited = payload.replaceFirst("\\.10\\.", ".20.");
    assertThat(edited).isNotEqualTo(payload);
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(edited.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> PageToken.offset(forged, FINGERPRINT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(EXPECTED)
        .hasMessageContaining("was edited or comes from a different query");
  }

  @Test
  @DisplayName("every single-character change to a token is refused")
  void everyCharacterFlip() {
    String token = PageToken.encode(FINGERPRINT, 10);
    for (int i = 0; i < token.length(); i++) {
      char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
      String flipped = token.substring(0, i) + replacement + token.substring(i + 1);
      assertThatThrownBy(() -> PageToken.offset(flipped, FINGERPRINT))
          .as("flip at %d", i)
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  @DisplayName("a run token is refused by another filter, order, experiment set or view type")
  void otherQuery() {
    RunQuery query =
        RunQuery.builder().experimentIds("1").filter("metrics.a < 1").maxResults(5).build();
    Plan plan = SqlSearch.runs(query);
    String token = plan.page(List.of("a", "b", "c", "d", "e", "f")).nextPageToken();
    assertThat(token).isNotNull();
    assertThat(SqlSearch.runs(query.withPageToken(token)).offset()).isEqualTo(5);

    List<RunQuery> others =
        List.of(
            RunQuery.builder().experimentIds("1").filter("metrics.a < 2").pageToken(token).build(),
            RunQuery.builder()
                .experimentIds("1")
                .filter("metrics.a < 1")
                .orderBy("metrics.a")
                .pageToken(token)
                .build(),
            RunQuery.builder()
                .experimentIds("1", "2")
                .filter("metrics.a < 1")
                .pageToken(token)
                .build(),
            RunQuery.builder()
                .experimentIds("1")
                .filter("metrics.a < 1")
                .viewType(ViewType.ALL)
                .pageToken(token)
                .build());
    for (RunQuery other : others) {
      assertThatThrownBy(() -> SqlSearch.runs(other))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith(EXPECTED);
    }
    SearchQuery models = SearchQuery.builder().pageToken(token).build();
    assertThatThrownBy(() -> SqlSearch.registeredModels(models))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(EXPECTED);
  }

  @Test
  @DisplayName("the page size may change between pages; the next token counts from this page")
  void pageSizeChange() {
    RunQuery query = RunQuery.builder().experimentIds("1").maxResults(3).build();
    Page<String> first = SqlSearch.runs(query).page(List.of("a", "b", "c", "d"));
    assertThat(first.items()).containsExactly("a", "b", "c");
    Plan second =
        SqlSearch.runs(
            RunQuery.builder()
                .experimentIds("1")
                .maxResults(2)
                .pageToken(first.nextPageToken())
                .build());
    assertThat(second.offset()).isEqualTo(3);
    assertThat(second.params()).endsWith(3, 3);
    Page<String> last = second.page(List.of("d", "e"));
    assertThat(last.items()).containsExactly("d", "e");
    assertThat(last.hasNext()).isFalse();
  }
}
