package dev.cairn.ml.train;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;

/**
 * Whether XGBoost's native library loads in this JVM. Loading it can fail on an unsupported OS, CPU or C library;
 * the check turns that into a clear error instead of a crash in the middle of training.
 */
public final class XGBoostSupport {
  private static volatile String failure;
  private static volatile boolean checked;

  private XGBoostSupport() {}

  /** True when the native library loaded (checked once per JVM). */
  public static boolean isAvailable() {
    return problem() == null;
  }

  /** Why the native library did not load, or null when it did. */
  public static synchronized String problem() {
    if (!checked) {
      try {
        // the JNI class loads the native library in its static initialiser
        Class.forName("ml.dmlc.xgboost4j.java.XGBoostJNI", true, XGBoostSupport.class.getClassLoader());
        failure = null;
      } catch (Throwable t) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError
        failure = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      checked = true;
    }
    return failure;
  }

  static void require() {
    String problem = problem();
    if (problem != null) {
      throw new CairnException(ErrorCode.INVALID_STATE, "algorithm 'xgboost' is not available: XGBoost's native"
          + " library does not load on this machine (" + System.getProperty("os.name") + " "
          + System.getProperty("os.arch") + "): " + problem + "; use cart or random_forest instead");
    }
  }
}
