package dev.cairn.data.version;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.store.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Garbage collection of dataset blobs. A blob is removed only when no version references it, no add in progress
 * holds a lease on it, and gc runs have seen it unreferenced for at least the grace period. Artifact stores do
 * not report a blob's age, so the age is counted from the first gc that found it unreferenced (kept in
 * {@code datasets/gc/unreferenced.json}); with a grace of zero such blobs go at once.
 *
 * <p>An add writes a lease (the hashes it will store or reuse) before it checks or uploads any blob and removes
 * it once its version row is written, and gc reads the versions and leases again just before it deletes. Leases
 * older than {@link #STALE_LEASE} (an add killed outright) are ignored and removed.
 */
final class BlobCollector {
  static final String LEASES = "datasets/leases";
  static final String MARKS = "datasets/gc/unreferenced.json";
  static final Duration STALE_LEASE = Duration.ofHours(24);

  private final DatasetVersionStore store;
  private final ArtifactStore artifacts;

  BlobCollector(DatasetVersionStore store, ArtifactStore artifacts) {
    this.store = store;
    this.artifacts = artifacts;
  }

  private record Lease(long createdMillis, List<String> blobs) {}

  static String writeLease(ArtifactStore artifacts, Collection<String> blobs) {
    String path = LEASES + "/" + UUID.randomUUID();
    byte[] json = Json.write(new Lease(System.currentTimeMillis(), List.copyOf(new java.util.TreeSet<>(blobs))))
        .getBytes(StandardCharsets.UTF_8);
    artifacts.put(path, new ByteArrayInputStream(json));
    return path;
  }

  static void deleteLease(ArtifactStore artifacts, String path) {
    try {
      artifacts.delete(path);
    } catch (CairnException e) {
      // a lease left behind only delays gc of its blobs until it is stale
    }
  }

  GcResult collect(Duration grace, boolean dryRun, Instant now) {
    if (grace.isNegative()) {
      throw CairnException.invalid("gc grace period is " + grace + "; it must not be negative");
    }
    Map<String, Long> blobs = listBlobs();
    Set<String> referenced = referenced();
    Set<String> leased = leased(now, dryRun);
    Map<String, Long> marks = dryRun || grace.isZero() ? new TreeMap<>() : readMarks();
    Map<String, Long> nextMarks = new TreeMap<>();
    List<String> due = new ArrayList<>();
    int leasedCount = 0;
    int waiting = 0;
    for (String sha : blobs.keySet()) {
      if (referenced.contains(sha)) {
        continue;
      }
      if (leased.contains(sha)) {
        leasedCount++;
        continue;
      }
      long firstSeen = marks.getOrDefault(sha, now.toEpochMilli());
      if (now.toEpochMilli() - firstSeen >= grace.toMillis()) {
        due.add(sha);
      } else {
        waiting++;
        nextMarks.put(sha, firstSeen);
      }
    }
    List<String> removed = new ArrayList<>();
    long bytes = 0;
    if (!due.isEmpty()) {
      // an add may have finished or begun since the first look: look again just before deleting
      Set<String> stillReferenced = referenced();
      Set<String> stillLeased = leased(now, true);
      for (String sha : due) {
        if (stillReferenced.contains(sha) || stillLeased.contains(sha)) {
          continue;
        }
        if (!dryRun) {
          try {
            artifacts.delete(DatasetVersioning.blobPath(sha));
          } catch (CairnException e) {
            if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
              throw e;
            }
          }
        }
        removed.add(sha);
        bytes += blobs.get(sha);
      }
    }
    if (!dryRun) {
      writeMarks(nextMarks);
    }
    return new GcResult(removed, bytes, (int) blobs.keySet().stream().filter(referenced::contains).count(),
        leasedCount, waiting, dryRun);
  }

  /** Every blob under datasets/blobs/xx/, by SHA-256, with its size. */
  private Map<String, Long> listBlobs() {
    Map<String, Long> out = new TreeMap<>();
    for (ArtifactStore.ArtifactEntry dir : artifacts.list(DatasetVersioning.BLOB_PREFIX)) {
      if (!dir.isDir()) {
        continue;
      }
      for (ArtifactStore.ArtifactEntry blob : artifacts.list(dir.path())) {
        if (!blob.isDir()) {
          out.put(blob.path().substring(blob.path().lastIndexOf('/') + 1), blob.size());
        }
      }
    }
    return out;
  }

  /** Manifests of every version and the files they list. */
  private Set<String> referenced() {
    Set<String> out = new HashSet<>();
    for (String manifest : store.manifestHashes()) {
      out.add(manifest);
      for (ManifestEntry e : DatasetVersioning.readManifest(artifacts, manifest, "content " + manifest).files()) {
        out.add(e.sha256());
      }
    }
    return out;
  }

  /** Blobs held by leases younger than {@link #STALE_LEASE}; stale leases are removed unless {@code keepStale}. */
  private Set<String> leased(Instant now, boolean keepStale) {
    Set<String> out = new HashSet<>();
    for (ArtifactStore.ArtifactEntry entry : artifacts.list(LEASES)) {
      if (entry.isDir()) {
        continue;
      }
      Lease lease;
      try (InputStream in = artifacts.open(entry.path())) {
        lease = Json.MAPPER.readValue(in, Lease.class);
      } catch (IOException | CairnException e) {
        continue; // removed meanwhile, or being written: its add is still before its first upload
      }
      if (now.toEpochMilli() - lease.createdMillis() > STALE_LEASE.toMillis()) {
        if (!keepStale) {
          deleteLease(artifacts, entry.path());
        }
        continue;
      }
      out.addAll(lease.blobs());
    }
    return out;
  }

  private Map<String, Long> readMarks() {
    try (InputStream in = artifacts.open(MARKS)) {
      return new TreeMap<>(Json.MAPPER.readValue(in, new TypeReference<Map<String, Long>>() {}));
    } catch (CairnException e) {
      if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        return new TreeMap<>();
      }
      throw e;
    } catch (IOException e) {
      return new TreeMap<>(); // unreadable marks only restart the grace period
    }
  }

  private void writeMarks(Map<String, Long> marks) {
    if (marks.isEmpty()) {
      if (artifacts.stat(MARKS) != null) {
        artifacts.delete(MARKS);
      }
      return;
    }
    artifacts.put(MARKS, new ByteArrayInputStream(Json.write(marks).getBytes(StandardCharsets.UTF_8)));
  }
}
