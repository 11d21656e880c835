package dev.mlops.internal.search;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one kind of search (runs, experiments, registered models, model versions) accepts and which
 * tables and columns of MLflow's schema it reads: the searched table, its filterable and orderable
 * attributes (with MLflow's aliases), the key/value child tables behind {@code metrics.}, {@code
 * params.} and {@code tags.}, and the default order and tie-breakers.
 *
 * <p>Instances are constants; {@link #resolve} turns a parsed identifier into a {@link ResolvedKey}
 * or an {@link dev.mlops.InvalidInputException} saying what the target accepts.
 */
final class SearchTarget {

  /**
   * A key/value table whose rows belong to a searched row.
   *
   * @param table e.g. {@code tags}
   * @param correlation SQL joining alias {@code %1$s} to the searched row, e.g. {@code
   *     %1$s.run_uuid = runs.run_uuid}
   */
  record ChildTable(String table, String correlation) {
    String correlate(String alias) {
      return String.format(correlation, alias);
    }
  }

  /**
   * An attribute and direction in a default order or tie-breaker.
   *
   * @param attribute an attribute name of {@link #orderAttributes}
   * @param ascending the direction
   */
  record Ordering(String attribute, boolean ascending) {}

  /**
   * What a clause's left side resolved to.
   *
   * @param type the kind of key
   * @param key the metric/param/tag/dataset key, or the attribute's canonical name
   * @param attribute the attribute, for {@link KeyType#ATTRIBUTE}
   */
  record ResolvedKey(KeyType type, String key, @Nullable Attribute attribute) {}

  static final Set<String> DATASET_KEYS = Set.of("name", "digest", "context");

  static final SearchTarget RUNS = runs();
  static final SearchTarget EXPERIMENTS = experiments();
  static final SearchTarget REGISTERED_MODELS = registeredModels();
  static final SearchTarget MODEL_VERSIONS = modelVersions();

  private final String label;
  private final String table;
  private final String selectColumns;
  private final Map<KeyType, ChildTable> children;
  private final Map<String, Attribute> filterAttributes;
  private final Map<String, Attribute> orderAttributes;
  private final List<Ordering> defaultOrder;
  private final List<Ordering> tieBreakers;

  private SearchTarget(
      String label,
      String table,
      String selectColumns,
      Map<KeyType, ChildTable> children,
      Map<String, Attribute> filterAttributes,
      Map<String, Attribute> orderAttributes,
      List<Ordering> defaultOrder,
      List<Ordering> tieBreakers) {
    this.label = label;
    this.table = table;
    this.selectColumns = selectColumns;
    this.children = Collections.unmodifiableMap(new EnumMap<>(children));
    this.filterAttributes = filterAttributes;
    this.orderAttributes = orderAttributes;
    this.defaultOrder = List.copyOf(defaultOrder);
    this.tieBreakers = List.copyOf(tieBreakers);
  }

  /** What is searched, for messages and fingerprints: {@code runs}, {@code experiments}, ... */
  String label() {
    return label;
  }

  String table() {
    return table;
  }

  String selectColumns() {
    return selectColumns;
  }

  /** The child table behind a key type; the caller has checked it via {@link #resolve}. */
  ChildTable child(KeyType type) {
    ChildTable child = children.get(type);
    if (child == null) {
      throw new IllegalArgumentException(label + " have no " + type.prefix());
    }
    return child;
  }

  /** The order used when the caller gives none. */
  List<Ordering> defaultOrder() {
    return defaultOrder;
  }

  /** Orderings appended, unless already present, so that every order is total and stable. */
  List<Ordering> tieBreakers() {
    return tieBreakers;
  }

  /** An attribute usable in order_by, by canonical name. */
  Attribute orderAttribute(String name) {
    Attribute a = orderAttributes.get(name);
    if (a == null) {
      throw new IllegalArgumentException(label + " cannot be ordered by " + name);
    }
    return a;
  }

  /** Which attributes take IN lists, for messages. */
  String listAttributes() {
    StringBuilder names = new StringBuilder();
    filterAttributes.values().stream()
        .filter(a -> a.comparators().contains(Comparator.IN))
        .map(Attribute::name)
        .distinct()
        .forEach(n -> names.append(names.length() == 0 ? "" : ", ").append(n));
    return names.toString();
  }

  /**
   * Resolves the left side of a filter clause ({@code forOrder} false) or an order_by key ({@code
   * forOrder} true).
   */
  ResolvedKey resolve(Token id, SearchText source, boolean forOrder) {
    Map<String, Attribute> attributes = forOrder ? orderAttributes : filterAttributes;
    String key = id.key();
    if (key == null) {
      KeyType named = id.quoted() ? null : KeyType.fromPrefix(id.value());
      if (named != null && named != KeyType.ATTRIBUTE) {
        throw source.error(
            id.start(),
            "'"
                + id.text()
                + "' needs a key after a dot: write e.g. "
                + named.prefix()
                + ".my_key.");
      }
      return attribute(id, id.value(), attributes, source, forOrder);
    }
    KeyType type = KeyType.fromPrefix(id.value());
    if (type == null && this == RUNS && id.value().equals("run")) {
      type = KeyType.ATTRIBUTE;
    }
    if (type == null) {
      throw source.error(
          id.start(),
          "unknown prefix '"
              + id.value()
              + ".' in "
              + id.text()
              + ": "
              + label
              + " accept "
              + prefixes()
              + ".");
    }
    if (!supports(type)) {
      throw source.error(
          id.start(),
          label + " have no " + type.prefix() + ": " + label + " accept " + prefixes() + ".");
    }
    if (key.isEmpty()) {
      throw source.error(id.start(), "the key in " + id.text() + " is empty: name a key.");
    }
    if (type == KeyType.ATTRIBUTE) {
      return attribute(id, key, attributes, source, forOrder);
    }
    if (forOrder && type != KeyType.METRIC && type != KeyType.PARAM && type != KeyType.TAG) {
      throw source.error(id.start(), label + " cannot be ordered by " + type.prefix() + ".");
    }
    if (forOrder && this != RUNS) {
      throw source.error(
          id.start(),
          label
              + " can only be ordered by attributes, not by "
              + type.prefix()
              + ": use one of "
              + names(orderAttributes)
              + ".");
    }
    if (type == KeyType.DATASET && !DATASET_KEYS.contains(key)) {
      throw source.error(
          id.start(),
          "'"
              + key
              + "' is not a dataset field: use datasets.name, datasets.digest or"
              + " datasets.context.");
    }
    return new ResolvedKey(type, key, null);
  }

  private ResolvedKey attribute(
      Token id,
      String name,
      Map<String, Attribute> attributes,
      SearchText source,
      boolean forOrder) {
    Attribute attribute = attributes.get(name);
    if (attribute == null) {
      String hint =
          id.key() == null && this == RUNS && !forOrder
              ? " For a metric, param or tag, write metrics."
                  + name
                  + ", params."
                  + name
                  + " or tags."
                  + name
                  + "."
              : "";
      throw source.error(
          id.start(),
          "'"
              + name
              + "' is not "
              + (forOrder ? "an orderable" : "a searchable")
              + " attribute of "
              + label
              + ": use one of "
              + names(attributes)
              + "."
              + hint);
    }
    return new ResolvedKey(KeyType.ATTRIBUTE, attribute.name(), attribute);
  }

  /** Whether filters may use keys of {@code type}; only runs have metrics, params and datasets. */
  boolean supports(KeyType type) {
    return type == KeyType.ATTRIBUTE
        || children.containsKey(type)
        || (type == KeyType.DATASET && this == RUNS);
  }

  private String prefixes() {
    StringBuilder b = new StringBuilder();
    for (KeyType t : KeyType.values()) {
      if (supports(t)) {
        b.append(b.length() == 0 ? "" : ", ").append(t.prefix()).append('.');
      }
    }
    return b + " or a bare attribute name";
  }

  private static String names(Map<String, Attribute> attributes) {
    StringBuilder b = new StringBuilder();
    attributes.values().stream()
        .map(Attribute::name)
        .distinct()
        .forEach(n -> b.append(b.length() == 0 ? "" : ", ").append(n));
    return b.toString();
  }

  private static Map<String, Attribute> index(List<Attribute> attributes, String... aliases) {
    Map<String, Attribute> byName = new LinkedHashMap<>();
    for (Attribute a : attributes) {
      byName.put(a.name(), a);
    }
    for (int i = 0; i < aliases.length; i += 2) {
      byName.put(aliases[i], byName.get(aliases[i + 1]));
    }
    return Collections.unmodifiableMap(byName);
  }

  private static SearchTarget runs() {
    List<Attribute> attributes =
        List.of(
            new Attribute("run_id", "runs.run_uuid", false, false, Comparator.STRING_OR_LIST),
            Attribute.text("run_name", "runs.name", true),
            Attribute.text("status", "runs.status", true),
            Attribute.text("user_id", "runs.user_id", true),
            Attribute.text("artifact_uri", "runs.artifact_uri", true),
            Attribute.number("start_time", "runs.start_time", true),
            Attribute.number("end_time", "runs.end_time", true));
    String[] aliases = {
      "created", "start_time",
      "Created", "start_time",
      "run name", "run_name",
      "Run name", "run_name",
      "Run Name", "run_name"
    };
    Map<String, Attribute> byName = index(attributes, aliases);
    Map<KeyType, ChildTable> children = new LinkedHashMap<>();
    children.put(KeyType.METRIC, new ChildTable("latest_metrics", "%1$s.run_uuid = runs.run_uuid"));
    children.put(KeyType.PARAM, new ChildTable("params", "%1$s.run_uuid = runs.run_uuid"));
    children.put(KeyType.TAG, new ChildTable("tags", "%1$s.run_uuid = runs.run_uuid"));
    return new SearchTarget(
        "runs",
        "runs",
        "runs.run_uuid",
        children,
        byName,
        byName,
        List.of(),
        List.of(new Ordering("start_time", false), new Ordering("run_id", true)));
  }

  private static SearchTarget experiments() {
    Attribute name = Attribute.text("name", "experiments.name", false);
    Attribute created = Attribute.number("creation_time", "experiments.creation_time", true);
    Attribute updated = Attribute.number("last_update_time", "experiments.last_update_time", true);
    Attribute id = Attribute.number("experiment_id", "experiments.experiment_id", false);
    return new SearchTarget(
        "experiments",
        "experiments",
        "experiments.experiment_id",
        Map.of(
            KeyType.TAG,
            new ChildTable("experiment_tags", "%1$s.experiment_id = experiments.experiment_id")),
        index(List.of(name, created, updated)),
        index(List.of(name, id, created, updated)),
        List.of(new Ordering("creation_time", false), new Ordering("experiment_id", true)),
        List.of(new Ordering("experiment_id", false)));
  }

  private static SearchTarget registeredModels() {
    Attribute name = Attribute.text("name", "registered_models.name", false);
    Attribute created =
        Attribute.number("creation_timestamp", "registered_models.creation_time", true);
    Attribute updated =
        Attribute.number("last_updated_timestamp", "registered_models.last_updated_time", true);
    return new SearchTarget(
        "registered models",
        "registered_models",
        "registered_models.name",
        Map.of(
            KeyType.TAG,
            new ChildTable("registered_model_tags", "%1$s.name = registered_models.name")),
        index(List.of(name)),
        index(List.of(name, created, updated), "timestamp", "last_updated_timestamp"),
        List.of(),
        List.of(new Ordering("name", true)));
  }

  private static SearchTarget modelVersions() {
    Set<Comparator> runIdComparators =
        EnumSet.of(Comparator.EQ, Comparator.NE, Comparator.LIKE, Comparator.ILIKE, Comparator.IN);
    Attribute name = Attribute.text("name", "model_versions.name", false);
    Attribute version = Attribute.number("version_number", "model_versions.version", false);
    Attribute runId =
        new Attribute("run_id", "model_versions.run_id", false, true, runIdComparators);
    Attribute source = Attribute.text("source_path", "model_versions.source", true);
    Attribute created =
        Attribute.number("creation_timestamp", "model_versions.creation_time", true);
    Attribute updated =
        Attribute.number("last_updated_timestamp", "model_versions.last_updated_time", true);
    return new SearchTarget(
        "model versions",
        "model_versions",
        "model_versions.name, model_versions.version",
        Map.of(
            KeyType.TAG,
            new ChildTable(
                "model_version_tags",
                "%1$s.name = model_versions.name AND %1$s.version = model_versions.version")),
        index(List.of(name, version, runId, source)),
        index(List.of(name, version, created, updated)),
        List.of(),
        List.of(new Ordering("name", true), new Ordering("version_number", false)));
  }
}
