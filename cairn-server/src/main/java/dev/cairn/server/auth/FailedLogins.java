package dev.cairn.server.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed sign-ins per user name and per source address in fixed one-minute windows; a key with
 * {@link #MAX_FAILURES} failures in its window is refused until the window ends. Memory is bounded: at most
 * {@link #MAX_KEYS} keys are tracked; when full, expired windows are dropped, and if none has expired a new
 * key is not tracked (the address key of the same attempt usually still is).
 */
final class FailedLogins {
  static final int MAX_FAILURES = 5;
  static final long WINDOW_MILLIS = 60_000;
  static final int MAX_KEYS = 10_000;

  private static final class Window {
    final long start;
    int failures;

    Window(long start) {
      this.start = start;
    }
  }

  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** Milliseconds until {@code key} may try again, or 0 if it may now. */
  long blockedFor(String key, long nowMillis) {
    Window w = windows.get(key);
    if (w == null) {
      return 0;
    }
    synchronized (w) {
      long end = w.start + WINDOW_MILLIS;
      return w.failures >= MAX_FAILURES && nowMillis < end ? end - nowMillis : 0;
    }
  }

  void recordFailure(String key, long nowMillis) {
    Window w = windows.get(key);
    if (w == null || nowMillis >= w.start + WINDOW_MILLIS) {
      if (windows.size() >= MAX_KEYS) {
        windows.values().removeIf(old -> nowMillis >= old.start + WINDOW_MILLIS);
        if (windows.size() >= MAX_KEYS) {
          return;
        }
      }
      w = new Window(nowMillis);
      windows.put(key, w);
    }
    synchronized (w) {
      w.failures++;
    }
  }

  int trackedKeys() {
    return windows.size();
  }
}
