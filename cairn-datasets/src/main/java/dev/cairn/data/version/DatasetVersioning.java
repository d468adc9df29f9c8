package dev.cairn.data.version;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import dev.cairn.data.drift.DriftDetector;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.drift.DriftReport;
import dev.cairn.data.expect.ExpectationSuite;
import dev.cairn.data.expect.ValidationReport;
import dev.cairn.data.expect.Validator;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.table.ReadOptions;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.tracking.Page;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Content-addressed dataset versions. Every file is stored once, as a blob named by its SHA-256 under
 * {@code datasets/blobs/<first two hex>/<sha256>}, shared by all versions and datasets; a version is a
 * manifest (path, size, sha256 per file, itself a blob) plus one metadata row written only after every blob
 * is in, so an interrupted add leaves no partial version (only orphan blobs, which are harmless).
 */
public final class DatasetVersioning {
  public static final String BLOB_PREFIX = "datasets/blobs";
  static final int BUFFER_SIZE = 1 << 20;
  /** Stat-cache entries are written out at least this often during a long add, so a crash loses little. */
  static final int CACHE_FLUSH_EVERY = 1000;

  private final DatasetVersionStore store;
  private final ArtifactStore artifacts;
  private final StatCache statCache;
  /** Blob uploads (and stats) in flight at once: fsync and network latency overlap, not CPU. */
  public static final int DEFAULT_IO_THREADS = 4;

  private final TableProfiler profiler;
  private final int hashThreads;
  private final int ioThreads;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private volatile boolean cancelled;
  private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);

  public DatasetVersioning(DatasetVersionStore store, ArtifactStore artifacts, StatCache statCache,
      TableProfiler profiler) {
    this(store, artifacts, statCache, profiler, defaultHashThreads(), DEFAULT_IO_THREADS);
  }

  /**
   * @param hashThreads files hashed at once (SHA-256 is CPU-bound: more threads than free cores only slow it)
   * @param ioThreads blobs uploaded at once
   */
  public DatasetVersioning(DatasetVersionStore store, ArtifactStore artifacts, StatCache statCache,
      TableProfiler profiler, int hashThreads, int ioThreads) {
    if (hashThreads < 1 || hashThreads > 64 || ioThreads < 1 || ioThreads > 64) {
      throw CairnException.invalid("hash threads " + hashThreads + " and I/O threads " + ioThreads
          + " must each be 1 to 64");
    }
    this.hashThreads = hashThreads;
    this.ioThreads = ioThreads;
    this.store = store;
    this.artifacts = artifacts;
    this.statCache = statCache == null ? StatCache.inMemory() : statCache;
    this.profiler = profiler == null ? LibraryTableProfiler.INSTANCE : profiler;
  }

  /**
   * One hashing thread per processor, at most {@link #DEFAULT_IO_THREADS}. DatasetAddBench on an idle 2-core
   * machine: 2 threads hashed at 2.0x one thread; with the machine overloaded (load 9-13) they fell to 0.8x.
   */
  public static int defaultHashThreads() {
    return Math.max(1, Math.min(DEFAULT_IO_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  public DatasetVersionStore store() {
    return store;
  }

  public ArtifactStore artifacts() {
    return artifacts;
  }

  /** The artifact path of the blob with this hash. */
  public static String blobPath(String sha256) {
    return BLOB_PREFIX + "/" + sha256.substring(0, 2) + "/" + sha256;
  }

  // ---------------------------------------------------------------- add

  public AddResult add(Path fileOrDir, String name, String message, String author, Map<String, String> tags) {
    return add(fileOrDir, name, message, author, tags, AddProgress.NONE);
  }

  public AddResult add(Path fileOrDir, String name, String message, String author, Map<String, String> tags,
      AddProgress progress) {
    return add(fileOrDir, name, message, author, tags, progress, false);
  }

  /**
   * Stops this instance's running and future adds, gets and validations at their next read or write: temporary
   * files are removed and nothing is recorded. For a process that is being stopped (Ctrl-C).
   */
  public void cancel() {
    cancelled = true;
  }

  private void checkCancelled() {
    if (cancelled) {
      throw new CairnException(ErrorCode.INVALID_STATE, "cancelled; nothing was recorded");
    }
  }

  /**
   * Records the content of {@code fileOrDir} as the next version of {@code name}. A single file is stored under
   * its file name; a directory's files under their '/'-separated paths relative to it (directories named
   * {@code .cairn} are skipped). Content equal to the newest version returns that version unchanged. Table files
   * (CSV, TSV, JSON Lines) are profiled before anything is stored: one that does not parse fails the add, naming
   * file, line and column, unless {@code allowUnparsed}, which stores it with the error in place of a profile.
   */
  public synchronized AddResult add(Path fileOrDir, String name, String message, String author,
      Map<String, String> tags, AddProgress progress, boolean allowUnparsed) {
    DatasetRef.requireValidName(name);
    List<LocalFile> files = walk(fileOrDir);
    if (files.isEmpty()) {
      throw CairnException.invalid("path '" + fileOrDir + "' has no files to add");
    }
    // 1. Hash what the stat cache does not know.
    long toHash = 0;
    for (LocalFile f : files) {
      f.sha256 = statCache.lookup(f.absolute, f.stamp);
      if (f.sha256 == null) {
        toHash += f.stamp.size();
      }
    }
    progress = cancellable(synchronizedProgress(progress));
    List<LocalFile> misses = new ArrayList<>();
    for (LocalFile f : files) {
      if (f.sha256 == null) {
        misses.add(f);
      }
    }
    int filesHashed = misses.size();
    long bytesHashed = toHash;
    progress.phase("hashing", toHash);
    AddProgress hashing = progress;
    AtomicInteger hashedSoFar = new AtomicInteger();
    try {
      inParallel(hashThreads, misses, f -> {
        f.sha256 = hashFile(f, BUFFERS.get(), hashing);
        statCache.remember(f.absolute, f.stamp, f.sha256);
        if (hashedSoFar.incrementAndGet() % CACHE_FLUSH_EVERY == 0) {
          statCache.flush();
        }
      });
    } finally {
      statCache.flush();
    }
    List<ManifestEntry> entries = new ArrayList<>(files.size());
    for (LocalFile f : files) {
      entries.add(new ManifestEntry(f.relative, f.stamp.size(), f.sha256));
    }
    Manifest manifest = new Manifest(entries);
    String manifestSha = manifest.sha256();

    // 2. Same content as the newest version: nothing to store.
    DatasetVersion latest = latestOrNull(name);
    if (latest != null && latest.manifestSha256().equals(manifestSha)) {
      progress.done();
      return new AddResult(latest, false, filesHashed, bytesHashed, 0, 0);
    }

    // 3. Schema and statistics of table files (reused from the parent for files whose content is unchanged),
    //    before anything is stored, so a table that does not parse adds nothing.
    Set<String> present = new HashSet<>();
    Map<String, JsonNode> parentProfiles = Map.of();
    if (latest != null) {
      for (ManifestEntry e : readManifest(latest).files()) {
        present.add(e.sha256());
      }
      parentProfiles = profilesOf(latest);
    }
    TableInfo tables = profileTables(files, parentProfiles, allowUnparsed);

    // 4. Upload each blob once, under a lease that keeps gc off them until the version row is written.
    //    Blobs of the newest version are known to be in the store already.
    List<String> leased = new ArrayList<>();
    entries.forEach(e -> leased.add(e.sha256()));
    leased.add(manifestSha);
    String lease = BlobCollector.writeLease(artifacts, leased);
    try {
      return upload(name, message, author, tags, progress, files, present, manifest, tables, filesHashed,
          bytesHashed);
    } finally {
      BlobCollector.deleteLease(artifacts, lease);
    }
  }

  private AddResult upload(String name, String message, String author, Map<String, String> tags,
      AddProgress progress, List<LocalFile> files, Set<String> present, Manifest manifest, TableInfo tables,
      int filesHashed, long bytesHashed) {
    String manifestSha = manifest.sha256();
    List<LocalFile> candidates = new ArrayList<>();
    long toUpload = 0;
    for (LocalFile f : files) {
      if (present.add(f.sha256)) {
        candidates.add(f);
        toUpload += f.stamp.size();
      }
    }
    progress.phase("uploading", toUpload);
    AtomicInteger uploadedBlobs = new AtomicInteger();
    AtomicLong uploadedBytes = new AtomicLong();
    AddProgress uploading = progress;
    inParallel(ioThreads, candidates, f -> {
      String path = blobPath(f.sha256);
      ArtifactStore.StoredBlob existing = artifacts.stat(path);
      if (existing == null || existing.size() != f.stamp.size()
          || (existing.sha256() != null && !existing.sha256().equals(f.sha256))) {
        uploadFile(f, path, uploading);
        uploadedBlobs.incrementAndGet();
        uploadedBytes.addAndGet(f.stamp.size());
      } else {
        uploading.advance(f.stamp.size());
      }
    });
    int blobsUploaded = uploadedBlobs.get();
    long bytesUploaded = uploadedBytes.get();
    byte[] manifestBytes = manifest.canonicalBytes();
    String manifestPath = blobPath(manifestSha);
    if (artifacts.stat(manifestPath) == null) {
      artifacts.put(manifestPath, new ByteArrayInputStream(manifestBytes));
    }
    checkCancelled();
    progress.done();

    // 5. Only now does the version exist.
    DatasetVersionStore.Recorded recorded = store.record(new DatasetVersionStore.NewVersion(name, author, message,
        manifest.totalSize(), tables.rowCount, manifest.files().size(), manifestSha, storageUri(manifestPath),
        tags, tables.schemaJson, tables.profileJson));
    return new AddResult(recorded.version(), recorded.isNew(), filesHashed, bytesHashed, blobsUploaded,
        bytesUploaded);
  }

  /**
   * Records a version from a manifest whose blobs are already stored (uploaded by a remote client): fails
   * naming the blobs that are missing (or stored with another size), else stores the manifest, profiles the
   * table files (read back from their blobs into temporary files, or reused from the newest version when
   * unchanged) and records the version. Content equal to the newest version returns that version unchanged.
   */
  public synchronized AddResult commit(String name, Manifest manifest, String message, String author,
      Map<String, String> tags) {
    DatasetRef.requireValidName(name);
    if (manifest.files().isEmpty()) {
      throw CairnException.invalid("manifest of '" + name + "' lists no files; a version has at least one");
    }
    String manifestSha = manifest.sha256();
    DatasetVersion latest = latestOrNull(name);
    if (latest != null && latest.manifestSha256().equals(manifestSha)) {
      return new AddResult(latest, false, 0, 0, 0, 0);
    }
    List<String> missing = new ArrayList<>();
    Set<String> checked = new HashSet<>();
    for (ManifestEntry e : manifest.files()) {
      if (checked.add(e.sha256())) {
        ArtifactStore.StoredBlob blob = artifacts.stat(blobPath(e.sha256()));
        if (blob == null || blob.size() != e.size()) {
          missing.add(e.sha256() + " ('" + e.path() + "', " + e.size() + " bytes)");
        }
      }
    }
    if (!missing.isEmpty()) {
      throw CairnException.invalid(missing.size() + " blob(s) of the manifest of '" + name + "' are not uploaded: "
          + String.join(", ", missing.subList(0, Math.min(20, missing.size())))
          + (missing.size() > 20 ? " and " + (missing.size() - 20) + " more" : "")
          + "; upload each under its sha256 first");
    }
    Map<String, JsonNode> parentProfiles = latest == null ? Map.of() : profilesOf(latest);
    DatasetVersion upcoming = upcoming(name, latest == null ? 1 : latest.version() + 1);
    List<LocalFile> files = new ArrayList<>();
    Path dir = null;
    try {
      for (ManifestEntry e : manifest.files()) {
        Path local = null;
        JsonNode reused = parentProfiles.get(e.path());
        boolean unchanged = reused != null && e.sha256().equals(reused.path("sha256").asText());
        if (TableProfiler.isTable(e.path()) && !unchanged) {
          if (dir == null) {
            dir = Files.createTempDirectory("cairn-commit-");
          }
          local = inside(dir, e);
          restore(upcoming, e, local, AddProgress.NONE, false);
        }
        LocalFile f = new LocalFile(local, e.path(), new StatCache.FileStamp(e.size(), 0, 0), local);
        f.sha256 = e.sha256();
        files.add(f);
      }
      TableInfo tables = profileTables(files, parentProfiles, false);
      byte[] manifestBytes = manifest.canonicalBytes();
      String manifestPath = blobPath(manifestSha);
      if (artifacts.stat(manifestPath) == null) {
        artifacts.put(manifestPath, new ByteArrayInputStream(manifestBytes));
      }
      DatasetVersionStore.Recorded recorded = store.record(new DatasetVersionStore.NewVersion(name, author, message,
          manifest.totalSize(), tables.rowCount, manifest.files().size(), manifestSha, storageUri(manifestPath),
          tags, tables.schemaJson, tables.profileJson));
      return new AddResult(recorded.version(), recorded.isNew(), 0, 0, 0, 0);
    } catch (IOException ex) {
      throw new CairnException(ErrorCode.INVALID_STATE, "reading the tables of '" + name + "' back failed: " + ex, ex);
    } finally {
      deleteTreeQuietly(dir);
    }
  }

  /** The version being committed, before it has a row: only its reference is read (by error messages). */
  private static DatasetVersion upcoming(String name, int number) {
    return new DatasetVersion("", name, number, null, null, null, 0, 0, null, 0, "", "", Map.of(), null, null);
  }

  /** A unit of work on one file; may throw anything, which fails the whole call. */
  private interface FileTask {
    void run(LocalFile f) throws Exception;
  }

  /**
   * Runs {@code task} on every file with at most {@code threads} at once; the first failure cancels what has not
   * started and is rethrown once the running tasks have stopped, so no upload outlives the call.
   */
  private static void inParallel(int threads, List<LocalFile> files, FileTask task) {
    if (threads <= 1 || files.size() <= 1) {
      for (LocalFile f : files) {
        runTask(task, f);
      }
      return;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(threads, files.size()), r -> {
          Thread t = new Thread(r, "cairn-dataset-io-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<?>> futures = new ArrayList<>(files.size());
      for (LocalFile f : files) {
        futures.add(pool.submit(() -> {
          runTask(task, f);
          return null;
        }));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          awaitQuietly(pool);
          Throwable cause = e.getCause();
          throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "interrupted while adding a dataset", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void runTask(FileTask task, LocalFile f) {
    try {
      task.run(f);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "'" + f.relative + "': " + e.getMessage(), e);
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      pool.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Progress that also stops the work once {@link #cancel} was called (hashing reports every 1 MiB read). */
  private AddProgress cancellable(AddProgress p) {
    return new AddProgress() {
      @Override
      public void phase(String name, long totalBytes) {
        p.phase(name, totalBytes);
      }

      @Override
      public void advance(long bytes) {
        checkCancelled();
        p.advance(bytes);
      }

      @Override
      public void done() {
        p.done();
      }
    };
  }

  /** An upload's input: reports progress as it is read and fails once cancelled, so put removes its temp file. */
  private static final class ProgressStream extends java.io.FilterInputStream {
    private final AddProgress progress;

    ProgressStream(InputStream in, AddProgress progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        try {
          progress.advance(n);
        } catch (CairnException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
      return n;
    }
  }

  private static AddProgress synchronizedProgress(AddProgress p) {
    if (p == AddProgress.NONE) {
      return p;
    }
    return new AddProgress() {
      @Override
      public synchronized void phase(String name, long totalBytes) {
        p.phase(name, totalBytes);
      }

      @Override
      public synchronized void advance(long bytes) {
        p.advance(bytes);
      }

      @Override
      public synchronized void done() {
        p.done();
      }
    };
  }

  private String storageUri(String path) {
    String root = artifacts.rootUri();
    return root.endsWith("/") ? root + path : root + "/" + path;
  }

  private DatasetVersion latestOrNull(String name) {
    try {
      return store.get(DatasetRef.latest(name));
    } catch (CairnException e) {
      if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        return null;
      }
      throw e;
    }
  }

  /** A file found by the walk; {@code sha256} is filled in from the cache or by hashing. */
  private static final class LocalFile {
    final Path absolute;
    final String relative;
    final StatCache.FileStamp stamp;
    /** The path as the caller named it, for messages. */
    final Path shown;
    String sha256;

    LocalFile(Path absolute, String relative, StatCache.FileStamp stamp, Path shown) {
      this.absolute = absolute;
      this.relative = relative;
      this.stamp = stamp;
      this.shown = shown;
    }
  }

  private List<LocalFile> walk(Path fileOrDir) {
    Path root = fileOrDir.toAbsolutePath().normalize();
    if (!Files.exists(root)) {
      throw CairnException.notFound("path '" + fileOrDir + "' does not exist");
    }
    TreeMap<String, LocalFile> found = new TreeMap<>();
    Path cacheFile = statCache.file();
    try {
      if (Files.isRegularFile(root)) {
        String relative = root.getFileName().toString();
        found.put(relative, new LocalFile(root, checkedRelative(relative), StatCache.stamp(root), fileOrDir));
      } else {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(root) && dir.getFileName().toString().equals(StatCache.DIRECTORY)
                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            if (attrs.isRegularFile() && !file.equals(cacheFile)) {
              StringBuilder rel = new StringBuilder();
              for (Path part : root.relativize(file)) {
                if (!rel.isEmpty()) {
                  rel.append('/');
                }
                rel.append(part);
              }
              String relative = checkedRelative(rel.toString());
              found.put(relative, new LocalFile(file, relative, StatCache.stamp(file), fileOrDir.resolve(relative)));
            }
            return FileVisitResult.CONTINUE;
          }
        });
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "reading '" + fileOrDir + "' failed: " + e, e);
    }
    return new ArrayList<>(found.values());
  }

  private static String checkedRelative(String relative) {
    try {
      String normalized = ArtifactPaths.normalize(relative);
      if (normalized.equals(relative)) {
        return relative;
      }
    } catch (CairnException e) {
      throw CairnException.invalid("file '" + relative + "' cannot be versioned: " + e.getMessage());
    }
    throw CairnException.invalid("file '" + relative + "' cannot be versioned: its path is not canonical");
  }

  /** SHA-256 of a file; fails if the file changes while it is read. */
  private static String hashFile(LocalFile f, byte[] buffer, AddProgress progress) {
    try {
      String sha = sha256(f.absolute, buffer, progress);
      if (!StatCache.stamp(f.absolute).equals(f.stamp)) {
        throw new CairnException(ErrorCode.INVALID_STATE, "file '" + f.relative + "' changed while it was hashed;"
            + " add it again when it is no longer written to");
      }
      return sha;
    } catch (NoSuchFileException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "file '" + f.relative + "' disappeared while adding", e);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "reading '" + f.relative + "' failed: " + e.getMessage(), e);
    }
  }

  /** Streams a file through SHA-256 with a caller-owned buffer (1 MiB keeps the JDK's SHA intrinsic busy). */
  public static String sha256(Path file, byte[] buffer, AddProgress progress) throws IOException {
    MessageDigest md = Hashing.sha256();
    ByteBuffer wrapped = ByteBuffer.wrap(buffer);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int n; (n = channel.read(wrapped.clear())) >= 0; ) {
        md.update(buffer, 0, n);
        progress.advance(n);
      }
    }
    return Hashing.hex(md.digest());
  }

  private void uploadFile(LocalFile f, String path, AddProgress progress) {
    ArtifactStore.StoredBlob written;
    try (InputStream in = new ProgressStream(Files.newInputStream(f.absolute), progress)) {
      written = artifacts.put(path, in);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "reading '" + f.relative + "' failed: " + e.getMessage(), e);
    }
    if ((written.sha256() != null && !written.sha256().equals(f.sha256)) || written.size() != f.stamp.size()) {
      artifacts.delete(path);
      throw new CairnException(ErrorCode.INVALID_STATE, "file '" + f.relative + "' changed while it was uploaded"
          + " (sha256 " + written.sha256() + ", expected " + f.sha256 + "); add it again");
    }
  }

  // ---------------------------------------------------------------- tables

  private record TableInfo(Long rowCount, String schemaJson, String profileJson) {}

  private TableInfo profileTables(List<LocalFile> files, Map<String, JsonNode> parentProfiles,
      boolean allowUnparsed) {
    ObjectNode schemas = JsonNodeFactory.instance.objectNode();
    ObjectNode profiles = JsonNodeFactory.instance.objectNode();
    long rows = 0;
    boolean any = false;
    for (LocalFile f : files) {
      if (!TableProfiler.isTable(f.relative)) {
        continue;
      }
      JsonNode reused = parentProfiles.get(f.relative);
      ObjectNode entry;
      if (reused != null && f.sha256.equals(reused.path("sha256").asText())) {
        entry = (ObjectNode) reused;
      } else {
        TableProfiler.TableProfile p;
        try {
          checkCancelled();
          p = profiler.profile(f.shown, f.relative);
        } catch (IOException e) {
          throw new CairnException(ErrorCode.INVALID_STATE, "profiling table '" + f.relative + "' failed: "
              + e.getMessage(), e);
        } catch (CairnException e) {
          if (e.code() != ErrorCode.INVALID_PARAMETER_VALUE) {
            throw e;
          }
          if (!allowUnparsed) {
            throw CairnException.invalid(e.getMessage() + "; nothing was added (fix the file, or add it without"
                + " statistics with --allow-unparsed)");
          }
          p = new TableProfiler.TableProfile(0, null, Json.MAPPER.createObjectNode().put("error", e.getMessage()));
        }
        if (p == null) {
          continue;
        }
        entry = JsonNodeFactory.instance.objectNode();
        entry.put("sha256", f.sha256);
        entry.put("row_count", p.rowCount());
        entry.set("schema", p.schema());
        entry.set("profile", p.profile());
      }
      any = true;
      rows += entry.path("row_count").asLong();
      schemas.set(f.relative, entry.get("schema"));
      profiles.set(f.relative, entry);
    }
    if (!any) {
      return new TableInfo(null, null, null);
    }
    return new TableInfo(rows, Json.write(schemas), Json.write(profiles));
  }

  private static Map<String, JsonNode> profilesOf(DatasetVersion v) {
    if (v.profileJson() == null) {
      return Map.of();
    }
    Map<String, JsonNode> out = new TreeMap<>();
    parseJson(v.profileJson()).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static JsonNode parseJson(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "stored JSON cannot be read: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- read

  public DatasetVersion show(DatasetRef ref) {
    return store.get(ref);
  }

  /** Versions of {@code name}, newest first, one page. */
  public Page<DatasetVersion> log(String name, int maxResults, String pageToken) {
    return store.versions(name, maxResults, pageToken);
  }

  /** Every version of {@code name}, newest first. */
  public List<DatasetVersion> log(String name) {
    List<DatasetVersion> all = new ArrayList<>();
    String token = null;
    do {
      Page<DatasetVersion> page = store.versions(name, DatasetVersionStore.MAX_PAGE_SIZE, token);
      all.addAll(page.items());
      token = page.nextPageToken();
    } while (token != null);
    return all;
  }

  /** The manifest of a version, checked against the version's content hash. */
  public Manifest readManifest(DatasetVersion v) {
    return readManifest(artifacts, v.manifestSha256(), v.ref().toString());
  }

  /** The manifest blob with this hash, checked against it; {@code owner} names it in errors. */
  static Manifest readManifest(ArtifactStore artifacts, String sha256, String owner) {
    byte[] bytes;
    String path = blobPath(sha256);
    try (InputStream in = artifacts.open(path)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "reading the manifest of " + owner + " failed: " + e, e);
    } catch (CairnException e) {
      if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw new CairnException(ErrorCode.INVALID_STATE, "the manifest of " + owner + " is missing from the"
            + " artifact store at '" + path + "'", e);
      }
      throw e;
    }
    String actual = Hashing.sha256Hex(bytes);
    if (!actual.equals(sha256)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "the manifest of " + owner + " is corrupt: sha256 "
          + actual + ", expected " + sha256);
    }
    return Manifest.parse(bytes);
  }

  // ---------------------------------------------------------------- gc

  /**
   * Deletes blobs that no version references and no add in progress holds, once a gc has seen them unreferenced
   * for at least {@code grace} (see {@link BlobCollector}); {@code dryRun} deletes nothing and remembers nothing.
   */
  public GcResult gc(java.time.Duration grace, boolean dryRun) {
    return new BlobCollector(store, artifacts).collect(grace, dryRun, java.time.Instant.now());
  }

  // ---------------------------------------------------------------- get

  public GetResult get(DatasetRef ref, Path targetDir) {
    return get(ref, targetDir, AddProgress.NONE, false);
  }

  /** Where a manifest entry is written under {@code root}; an entry that would leave it is refused. */
  static Path inside(Path root, ManifestEntry e) {
    Path dest = root.resolve(e.path()).normalize();
    if (!dest.startsWith(root) || dest.equals(root)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "manifest path '" + e.path() + "' leaves the target folder");
    }
    return dest;
  }

  /**
   * Restores a version's files under {@code targetDir}, checking every file's SHA-256 as it is written. A file
   * whose content does not match is removed and the call fails; files already present with the right content
   * are left alone. Files in {@code targetDir} that the version does not list are kept. Like {@code git checkout},
   * a local file at a listed path whose content differs is not overwritten unless {@code force}: the call then
   * fails before writing anything, naming the files.
   */
  public synchronized GetResult get(DatasetRef ref, Path targetDir, AddProgress progress, boolean force) {
    DatasetVersion v = store.get(ref);
    Manifest manifest = readManifest(v);
    Path root = targetDir.toAbsolutePath().normalize();
    int written = 0;
    int present = 0;
    long bytes = 0;
    try {
      List<ManifestEntry> missing = new ArrayList<>();
      List<String> differing = new ArrayList<>();
      for (ManifestEntry e : manifest.files()) {
        Path dest = inside(root, e);
        String local = localHash(dest);
        if (e.sha256().equals(local)) {
          present++;
          continue;
        }
        // a local file whose content Cairn holds (say, another version's) can be replaced without loss
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && (local == null || artifacts.stat(blobPath(local)) == null)) {
          differing.add(e.path());
        }
        missing.add(e);
      }
      if (!differing.isEmpty() && !force) {
        throw new CairnException(ErrorCode.INVALID_STATE, differing.size() + " local "
            + (differing.size() == 1 ? "file differs" : "files differ") + " from " + v.ref() + ": "
            + String.join(", ", differing.subList(0, Math.min(5, differing.size())))
            + (differing.size() > 5 ? " and " + (differing.size() - 5) + " more" : "") + " in " + targetDir
            + " and no version holds " + (differing.size() == 1 ? "its content" : "their content")
            + "; nothing was written. Move them away, or overwrite them with --force");
      }
      progress.phase("restoring", missing.stream().mapToLong(ManifestEntry::size).sum());
      Files.createDirectories(root);
      for (ManifestEntry e : missing) {
        Path dest = inside(root, e);
        restore(v, e, dest, progress, true);
        written++;
        bytes += e.size();
      }
    } catch (IOException ex) {
      throw new CairnException(ErrorCode.INVALID_STATE, "writing to '" + targetDir + "' failed: " + ex, ex);
    } finally {
      statCache.flush();
    }
    progress.done();
    return new GetResult(v, root, written, present, bytes);
  }

  /** SHA-256 of a regular file at {@code dest} (from the stat cache, else hashed), or null when there is none. */
  private String localHash(Path dest) throws IOException {
    if (!Files.isRegularFile(dest, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    StatCache.FileStamp stamp = StatCache.stamp(dest);
    String known = statCache.lookup(dest, stamp);
    if (known == null) {
      known = sha256(dest, buffer, AddProgress.NONE);
      statCache.remember(dest, stamp, known);
    }
    return known;
  }

  private void restore(DatasetVersion v, ManifestEntry e, Path dest, AddProgress progress, boolean remember)
      throws IOException {
    Files.createDirectories(dest.getParent());
    Path tmp = dest.resolveSibling("." + dest.getFileName() + ".cairn-" + UUID.randomUUID() + ".part");
    MessageDigest md = Hashing.sha256();
    long size = 0;
    try {
      try (InputStream in = artifacts.open(blobPath(e.sha256()));
           OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          checkCancelled();
          md.update(buffer, 0, n);
          out.write(buffer, 0, n);
          size += n;
          progress.advance(n);
        }
      } catch (CairnException ex) {
        if (ex.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
          throw new CairnException(ErrorCode.INVALID_STATE, "the blob of '" + e.path() + "' in " + v.ref()
              + " is missing from the artifact store (sha256 " + e.sha256() + ")", ex);
        }
        throw ex;
      }
      String actual = Hashing.hex(md.digest());
      if (!actual.equals(e.sha256()) || size != e.size()) {
        throw new CairnException(ErrorCode.INVALID_STATE, "the stored copy of '" + e.path() + "' in " + v.ref()
            + " is corrupt: sha256 " + actual + " (" + size + " bytes), expected " + e.sha256() + " ("
            + e.size() + " bytes); nothing was written for it");
      }
      Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    if (remember) {
      statCache.remember(dest, StatCache.stamp(dest), e.sha256());
    }
  }

  // ---------------------------------------------------------------- profiles and validation

  /** The stored profiles of a version's table files, by path (tables whose profiling failed are left out). */
  public Map<String, Profile> profiles(DatasetRef ref) {
    DatasetVersion v = store.get(ref);
    Map<String, Profile> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : profilesOf(v).entrySet()) {
      JsonNode profile = e.getValue().get("profile");
      if (profile != null && profile.has("columns") && !profile.has("error")) {
        out.put(e.getKey(), Profile.fromJson(profile.toString()));
      }
    }
    return out;
  }

  /**
   * Validates the table files of a version against a suite: each table (or only {@code tablePath}) is restored
   * to a temporary file, hash-checked, and read by the validator; the temporary files are removed afterwards.
   */
  public synchronized Map<String, ValidationReport> validate(DatasetRef ref,
      ExpectationSuite suite, String tablePath) {
    DatasetVersion v = store.get(ref);
    List<ManifestEntry> tables = new ArrayList<>();
    for (ManifestEntry e : readManifest(v).files()) {
      if (TableProfiler.isTable(e.path()) && (tablePath == null || e.path().equals(tablePath))) {
        tables.add(e);
      }
    }
    if (tables.isEmpty()) {
      throw CairnException.invalid(tablePath == null
          ? v.ref() + " has no table file (CSV, TSV, JSONL) to validate"
          : v.ref() + " has no table file '" + tablePath + "'");
    }
    Map<String, ValidationReport> out = new TreeMap<>();
    Validator validator = new Validator(suite);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("cairn-validate-");
      for (ManifestEntry e : tables) {
        Path file = inside(dir, e);
        restore(v, e, file, AddProgress.NONE, false);
        out.put(e.path(), validator.validate(file, ReadOptions.forPath(file), Path.of(v.ref() + "/" + e.path())));
        Files.delete(file);
      }
    } catch (IOException ex) {
      throw new CairnException(ErrorCode.INVALID_STATE, "restoring tables of " + v.ref() + " failed: " + ex, ex);
    } finally {
      deleteTreeQuietly(dir);
    }
    return out;
  }

  private static void deleteTreeQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }

  // ---------------------------------------------------------------- drift

  /**
   * Drift of every table file present (same path) in both versions, from the profiles stored with them; no
   * data is read. Fails when the versions share no profiled table.
   */
  public Map<String, DriftReport> drift(DatasetRef reference, DatasetRef current,
      DriftOptions options) {
    DatasetVersion a = store.get(reference);
    DatasetVersion b = store.get(current);
    Map<String, JsonNode> pa = profilesOf(a);
    Map<String, JsonNode> pb = profilesOf(b);
    Map<String, DriftReport> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : pa.entrySet()) {
      JsonNode other = pb.get(e.getKey());
      JsonNode ref = e.getValue().get("profile");
      JsonNode cur = other == null ? null : other.get("profile");
      if (ref == null || cur == null || ref.has("error") || cur.has("error") || !ref.has("columns")
          || !cur.has("columns")) {
        continue;
      }
      out.put(e.getKey(), DriftDetector.compare(
          Profile.fromJson(ref.toString()), Profile.fromJson(cur.toString()),
          options));
    }
    if (out.isEmpty()) {
      throw CairnException.invalid(a.ref() + " and " + b.ref() + " share no profiled table file (CSV, TSV, JSONL"
          + " at the same path); drift compares tables path by path");
    }
    return out;
  }

  // ---------------------------------------------------------------- diff

  public DatasetDiff diff(DatasetRef fromRef, DatasetRef toRef) {
    DatasetVersion from = store.get(fromRef);
    DatasetVersion to = store.get(toRef);
    Map<String, ManifestEntry> a = readManifest(from).byPath();
    Map<String, ManifestEntry> b = readManifest(to).byPath();
    List<ManifestEntry> added = new ArrayList<>();
    List<ManifestEntry> removed = new ArrayList<>();
    List<DatasetDiff.ChangedFile> changed = new ArrayList<>();
    int unchanged = 0;
    for (ManifestEntry e : a.values()) {
      ManifestEntry other = b.get(e.path());
      if (other == null) {
        removed.add(e);
      } else if (!other.sha256().equals(e.sha256())) {
        changed.add(new DatasetDiff.ChangedFile(e.path(), e.size(), other.size(), e.sha256(), other.sha256()));
      } else {
        unchanged++;
      }
    }
    for (ManifestEntry e : b.values()) {
      if (!a.containsKey(e.path())) {
        added.add(e);
      }
    }
    List<String> schemaChanges = jsonChanges(from.schemaJson(), to.schemaJson(), false);
    List<String> statsChanges = jsonChanges(from.profileJson(), to.profileJson(), true);
    return new DatasetDiff(from, to, added, removed, changed, unchanged, schemaChanges, statsChanges);
  }

  /** Field-level changes between two per-table JSON documents, as "table: field: old -> new" lines. */
  static List<String> jsonChanges(String fromJson, String toJson, boolean skipSchema) {
    Map<String, String> a = flatten(fromJson == null ? null : parseJson(fromJson));
    Map<String, String> b = flatten(toJson == null ? null : parseJson(toJson));
    List<String> out = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String key : keys) {
      if (skipSchema && !isReadableStatistic(key)) {
        continue;
      }
      String x = a.get(key);
      String y = b.get(key);
      String shown = key.replace(": profile.columns.", ": ").replace(": columns.", ": ");
      if (x == null) {
        out.add(shown + ": added " + y);
      } else if (y == null) {
        out.add(shown + ": removed (was " + x + ")");
      } else if (!x.equals(y)) {
        out.add(shown + ": " + x + " -> " + y + relativeChange(x, y));
      }
    }
    return out;
  }

  /** Statistics worth a line in a diff: counts and moments, not sketches, histograms or the schema copy. */
  private static final Set<String> READABLE = Set.of("row_count", "count", "missing", "distinct",
      "mean", "std", "min", "max", "minTimestamp", "maxTimestamp", "error", "rows");

  static boolean isReadableStatistic(String key) {
    int space = key.lastIndexOf(": ");
    String field = key.substring(space + 2);
    if (field.contains("schema") || field.contains("state.") || field.contains("quantiles")
        || field.contains("histogram") || field.contains("topValues")) {
      return false;
    }
    return READABLE.contains(field.substring(field.lastIndexOf('.') + 1));
  }

  /** A double to 6 significant digits without trailing zeros (diffs are read, not recomputed). */
  private static String readable(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  private static String relativeChange(String x, String y) {
    try {
      double a = Double.parseDouble(x);
      double b = Double.parseDouble(y);
      if (a == 0 || Double.isNaN(a) || Double.isNaN(b)) {
        return "";
      }
      return String.format(java.util.Locale.ROOT, " (%+.1f%%)", (b - a) / Math.abs(a) * 100);
    } catch (NumberFormatException e) {
      return "";
    }
  }

  private static Map<String, String> flatten(JsonNode root) {
    Map<String, String> out = new TreeMap<>();
    if (root == null || !root.isObject()) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> table = it.next();
      flattenInto(table.getKey() + ":", "", table.getValue(), out);
    }
    return out;
  }

  private static void flattenInto(String table, String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals("name") && f.getValue().isTextual() && (prefix.equals(f.getValue().asText()) || prefix.endsWith("." + f.getValue().asText()))) {
          continue; // the element's name is already its key
        }
        flattenInto(table, prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
      }
    } else if (node.isArray() && node.size() > 0 && node.get(0).isObject() && node.get(0).has("name")) {
      for (JsonNode element : node) {
        String name = element.path("name").asText();
        flattenInto(table, (prefix.isEmpty() ? "" : prefix + ".") + name, element, out);
      }
    } else {
      String value = node.isTextual() ? node.asText()
          : node.isFloatingPointNumber() ? readable(node.doubleValue()) : node.toString();
      out.put(table + " " + (prefix.isEmpty() ? "(value)" : prefix), value);
    }
  }
}
