package dev.cairn.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifier formats shared with MLflow: run ids are 32 lowercase hex characters. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newRunId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public static boolean isRunId(String s) {
    return s != null && s.matches("[0-9a-f]{32}");
  }
}
