package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks a route for a request by weight. Traffic is cut into 100 buckets; route i owns as many consecutive buckets as
 * its weight. A sticky key hashes to a fixed bucket (so the same key gets the same route while the weights stay);
 * without one a random bucket is drawn. Immutable and thread-safe; build one per routing version.
 */
public final class RouteAssignment {
  public static final int BUCKETS = 100;
  /** bucket -> route index. */
  private final int[] owner = new int[BUCKETS];

  private RouteAssignment(List<Integer> weights) {
    if (weights.isEmpty()) {
      throw CairnException.invalid("route assignment needs at least one weight");
    }
    int total = weights.stream().mapToInt(Integer::intValue).sum();
    if (weights.size() == 1) {
      java.util.Arrays.fill(owner, 0); // one route takes everything, whatever its weight
      return;
    }
    if (total != BUCKETS || weights.stream().anyMatch(w -> w < 0)) {
      throw CairnException.invalid("route weights " + weights + " must be 0 or more and sum to " + BUCKETS);
    }
    int b = 0;
    for (int i = 0; i < weights.size(); i++) {
      for (int k = 0; k < weights.get(i); k++) {
        owner[b++] = i;
      }
    }
  }

  /** For weights that sum to 100 (or a single weight). */
  public static RouteAssignment of(List<Integer> weights) {
    return new RouteAssignment(List.copyOf(weights));
  }

  /** For a deployment's routes, in their order. */
  public static RouteAssignment of(DeploymentSpec spec) {
    return of(spec.routes().stream().map(Route::weight).toList());
  }

  /** The route index for a sticky key's value. */
  public int pick(String key) {
    return owner[bucket(key)];
  }

  /** A route index drawn by weight. */
  public int pick(RandomGenerator random) {
    return owner[random.nextInt(BUCKETS)];
  }

  /**
   * The bucket (0..99) of a key: 64-bit FNV-1a over its UTF-8 bytes, spread by a SplitMix64 finaliser (FNV alone
   * leaves short, similar keys clustered in the low digits). Fixed forever: changing it would move sticky users.
   */
  public static int bucket(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (int) Long.remainderUnsigned(h, BUCKETS);
  }
}
