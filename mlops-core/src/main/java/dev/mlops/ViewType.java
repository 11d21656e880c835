package dev.mlops;

/** Which lifecycle stages a search returns. Default everywhere: {@link #ACTIVE_ONLY}. */
public enum ViewType {
  ACTIVE_ONLY,
  DELETED_ONLY,
  ALL;

  /** Whether a thing in {@code stage} is visible under this view. */
  public boolean includes(LifecycleStage stage) {
    return switch (this) {
      case ACTIVE_ONLY -> stage == LifecycleStage.ACTIVE;
      case DELETED_ONLY -> stage == LifecycleStage.DELETED;
      case ALL -> true;
    };
  }
}
