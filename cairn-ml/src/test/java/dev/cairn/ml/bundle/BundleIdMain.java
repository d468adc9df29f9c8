package dev.cairn.ml.bundle;

import java.nio.file.Path;

/** Prints the id of the bundle {@link ModelBundleTest#train} makes from a CSV; run in a fresh JVM by that test. */
public final class BundleIdMain {
  private BundleIdMain() {}

  public static void main(String[] args) {
    java.util.logging.LogManager.getLogManager().reset();
    System.out.println(ModelBundleTest.train(Path.of(args[0]), args[1], Long.parseLong(args[2])).id());
  }
}
