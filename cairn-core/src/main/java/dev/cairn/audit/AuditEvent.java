package dev.cairn.audit;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * One entry of the tamper-evident audit log: who ({@code actor}) did what ({@code action}: a route template such as
 * {@code POST /api/2.0/mlflow/runs/log-batch} or a named action such as {@code registry.alias.set}) to which
 * {@code target} ({@code kind:id}, e.g. {@code run:abc}, {@code experiment:3}, {@code model:churn/3},
 * {@code dataset:x@2}; null when the write did not name one), with small JSON summaries of the state
 * {@code before} and {@code after} (either may be null).
 *
 * <p>Events form a hash chain: {@code hash = SHA-256(previousHash + canonical form of every other field)}; the
 * first event's previous hash is {@link #GENESIS_HASH}. Changing, removing or reordering an event breaks the chain
 * at that event (see {@link #hashOf}).
 */
public record AuditEvent(long sequence, long timeMs, String actor, String action, String target, String before,
    String after, String requestId, String sourceAddress, String previousHash, String hash) {

  /** The previous hash of the first event. */
  public static final String GENESIS_HASH = "0".repeat(64);

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Hashing::sha256);
  private static final HexFormat HEX = HexFormat.of();

  public AuditEvent {
    if (sequence < 1) {
      throw CairnException.invalid("audit event sequence " + sequence + " is below 1; sequences count from 1");
    }
    requireText("actor", actor);
    requireText("action", action);
    if (!Hashing.isSha256Hex(previousHash)) {
      throw CairnException.invalid("audit event previous_hash '" + previousHash + "' is not 64 lower-case hex digits");
    }
    if (!Hashing.isSha256Hex(hash)) {
      throw CairnException.invalid("audit event hash '" + hash + "' is not 64 lower-case hex digits");
    }
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw CairnException.invalid("audit event " + field + " is empty; every event names its " + field);
    }
  }

  /** A target in the {@code kind:id} form, e.g. {@code target("run", runId)}. */
  public static String target(String kind, String id) {
    if (kind == null || kind.isEmpty() || kind.indexOf(':') >= 0) {
      throw CairnException.invalid("audit target kind '" + kind + "' is empty or has ':'");
    }
    return kind + ":" + id;
  }

  /** The kind part of {@link #target()} ({@code run} of {@code run:abc}), or null without a target. */
  public String targetKind() {
    if (target == null) {
      return null;
    }
    int colon = target.indexOf(':');
    return colon < 0 ? target : target.substring(0, colon);
  }

  /** Whether {@link #hash()} is the hash of this event's fields chained to {@link #previousHash()}. */
  public boolean isHashValid() {
    return hash.equals(hashOf(previousHash, sequence, timeMs, actor, action, target, before, after, requestId,
        sourceAddress));
  }

  /**
   * The chain hash of an event: SHA-256, in lower-case hex, of {@code previousHash} followed by the canonical
   * form of the fields. The canonical form writes each field as its length in UTF-16 units, a colon and the text
   * (a null field as {@code -}), one field per line, so no two different events serialise alike.
   */
  public static String hashOf(String previousHash, long sequence, long timeMs, String actor, String action,
      String target, String before, String after, String requestId, String sourceAddress) {
    StringBuilder s = new StringBuilder(160 + length(before) + length(after));
    s.append("cairn-audit-1\n").append(previousHash).append('\n').append(sequence).append('\n').append(timeMs)
        .append('\n');
    field(s, actor);
    field(s, action);
    field(s, target);
    field(s, before);
    field(s, after);
    field(s, requestId);
    field(s, sourceAddress);
    MessageDigest md = DIGEST.get();
    md.reset();
    return HEX.formatHex(md.digest(s.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  private static void field(StringBuilder s, String value) {
    if (value == null) {
      s.append("-\n");
    } else {
      s.append(value.length()).append(':').append(value).append('\n');
    }
  }
}
