package dev.cairn.store.registry;

import dev.cairn.core.CairnException;
import dev.cairn.store.sql.SqlDatabase;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The integrity record of each model version (table {@code model_version_manifests}, migration V29 in
 * {@link ModelRegistryStore#MIGRATIONS}): written once, in the transaction that creates the version (see
 * {@link ModelRegistryStore#createModelVersion(ModelRegistryStore.NewModelVersion, ModelRegistryStore.InSameWrite)}),
 * and never updated, so a version either has its record from birth or never had one.
 */
public final class ModelVersionManifests {
  private final SqlDatabase db;

  public ModelVersionManifests(SqlDatabase db) {
    this.db = db;
  }

  /** Whether a version's record holds a signed manifest or says why there is none. */
  public enum Status { SIGNED, NONE }

  /**
   * One version's record. SIGNED: {@code manifest} is the canonical JSON, {@code sha256} its hash, {@code signature}
   * the base64 Ed25519 signature by the key {@code keyFingerprint}. NONE: only {@code reason} is set.
   */
  public record Record(Status status, String reason, String manifest, String sha256, String signature,
      String keyFingerprint, long createdTime) {
    public Record {
      if (status == null) {
        throw CairnException.invalid("manifest record needs a status");
      }
      if (status == Status.SIGNED && (manifest == null || sha256 == null || signature == null)) {
        throw CairnException.invalid("a SIGNED manifest record needs manifest, sha256 and signature");
      }
      if (status == Status.NONE && (reason == null || reason.isBlank())) {
        throw CairnException.invalid("a manifest record without a manifest must say why (reason)");
      }
    }

    public static Record signed(String manifest, String sha256, String signature, String keyFingerprint) {
      return new Record(Status.SIGNED, null, manifest, sha256, signature, keyFingerprint, System.currentTimeMillis());
    }

    public static Record none(String reason) {
      return new Record(Status.NONE, reason, null, null, null, null, System.currentTimeMillis());
    }
  }

  /** Inserts the record of a version inside the write that creates it; a second record for it fails. */
  public static void insert(Handle h, String versionId, Record r) {
    h.createUpdate("INSERT INTO model_version_manifests (version_id, status, reason, manifest, sha256, signature,"
            + " key_fingerprint, created_time) VALUES (:id, :status, :reason, :manifest, :sha256, :signature,"
            + " :fingerprint, :time)")
        .bind("id", versionId).bind("status", r.status().name()).bind("reason", r.reason())
        .bind("manifest", r.manifest()).bind("sha256", r.sha256()).bind("signature", r.signature())
        .bind("fingerprint", r.keyFingerprint()).bind("time", r.createdTime())
        .execute();
  }

  /**
   * The record of version {@code version} of {@code name}; empty for a version registered before manifests were
   * kept. Raises RESOURCE_DOES_NOT_EXIST for an unknown model or version.
   */
  public Optional<Record> get(String name, int version) {
    return db.read(h -> {
      String id = ModelRegistryStore.requireVersionId(h, name, version);
      return h.createQuery("SELECT status, reason, manifest, sha256, signature, key_fingerprint, created_time"
              + " FROM model_version_manifests WHERE version_id = :id")
          .bind("id", id)
          .map((rs, ctx) -> new Record(Status.valueOf(rs.getString("status").trim()), rs.getString("reason"),
              rs.getString("manifest"), trim(rs.getString("sha256")), rs.getString("signature"),
              rs.getString("key_fingerprint"), rs.getLong("created_time")))
          .findOne();
    });
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }
}
