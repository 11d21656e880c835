package dev.mlops.internal.tracking;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Run names in MLflow's style, {@code adjective-noun-number}, for runs started without one. */
final class RunNames {

  private static final List<String> ADJECTIVES =
      List.of(
          ("agile amazing bold brave bright calm capable clean clever crisp curious dapper eager"
                  + " fearless gentle glowing grand honest humble jolly keen kind lively lucky merry"
                  + " nimble patient polite quick quiet rare shiny silent smart steady sunny swift"
                  + " tidy upbeat vivid warm wise witty zealous")
              .split(" "));

  private static final List<String> NOUNS =
      List.of(
          ("ant badger bass bear bee bird boar cat colt crab crane deer dove duck eel elk finch fox"
                  + " frog goat hare hawk heron horse ibis jay koala lark lynx mole moth newt owl"
                  + " panda quail ram robin seal shark sloth snail stag swan toad trout whale wolf"
                  + " wren yak zebra")
              .split(" "));

  private RunNames() {}

  /** A new random name such as {@code brave-owl-417}. */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return ADJECTIVES.get(random.nextInt(ADJECTIVES.size()))
        + "-"
        + NOUNS.get(random.nextInt(NOUNS.size()))
        + "-"
        + random.nextInt(1000);
  }
}
