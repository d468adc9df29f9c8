package dev.cairn.store.sql;

import java.util.concurrent.ThreadLocalRandom;

/** Random run names in MLflow's "adjective-noun-NNN" shape for runs created without one. */
public final class RunNames {
  private static final String[] ADJECTIVES = {
    "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "dapper", "eager", "fearless", "gentle",
    "glowing", "golden", "honest", "humble", "jolly", "keen", "lively", "lucky", "merry", "nimble", "quiet",
    "rare", "rustic", "serene", "shy", "silent", "sleek", "smooth", "steady", "sunny", "swift", "tidy", "vivid",
    "wise", "zealous"
  };
  private static final String[] NOUNS = {
    "badger", "bass", "bear", "carp", "cat", "crane", "deer", "dove", "eel", "finch", "fox", "frog", "goat",
    "hare", "hawk", "heron", "horse", "lark", "lynx", "mole", "moth", "newt", "otter", "owl", "panda", "pike",
    "quail", "ram", "robin", "seal", "shrew", "slug", "snail", "squid", "swan", "toad", "trout", "wolf", "wren"
  };

  private RunNames() {}

  public static String random() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return ADJECTIVES[r.nextInt(ADJECTIVES.length)] + "-" + NOUNS[r.nextInt(NOUNS.length)] + "-" + r.nextInt(1000);
  }
}
