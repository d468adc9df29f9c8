package dev.cairn.cli;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.DataFolderLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn server}: runs the tracking server in the foreground until Ctrl-C. Relative store paths
 * resolve against the current directory, so {@code ./cairn server} keeps its data in {@code ./cairn-data/}.
 */
@Command(name = "server", description = "Run the Cairn server in the foreground until Ctrl-C.")
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerConfig.DEFAULT_HOST,
      description = "Address to bind; beyond loopback, authentication is always on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--auth", description = "Require authentication on a loopback address too (always on beyond it).")
  boolean auth;

  @Option(names = "--admin-token-file", paramLabel = "PATH",
      description = "Where the first start with authentication writes the admin's token (default: admin-token in"
          + " the data folder).")
  String adminTokenFile;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
      description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--backend-store-uri", paramLabel = "URI", defaultValue = ServerConfig.DEFAULT_BACKEND_STORE_URI,
      // the built-in default, not ${DEFAULT-VALUE}: that would print a URI from the environment, password and all
      description = "Metadata store: sqlite:PATH or postgresql://... (default: "
          + ServerConfig.DEFAULT_BACKEND_STORE_URI + ").")
  String backendStoreUri;

  @Option(names = "--artifacts-uri", paramLabel = "URI", defaultValue = ServerConfig.DEFAULT_ARTIFACTS_URI,
      description = "Artifact store: file:PATH or s3://bucket/prefix (default: " + ServerConfig.DEFAULT_ARTIFACTS_URI
          + ").")
  String artifactsUri;

  @Option(names = "--signing-key-dir", paramLabel = "DIR",
      description = "Folder of the Ed25519 key pair that signs model version manifests (default: "
          + "$CAIRN_SERVER_SIGNING_KEY_DIR, else signing/ in the data folder; with PostgreSQL, ./cairn-data/signing).")
  String signingKeyDir;

  @Option(names = "--prediction-log-sample-rate", paramLabel = "RATE",
      description = "Share of predictions the prediction log keeps, 0 to 1 (default: 1).")
  Double predictionLogSampleRate;

  @Option(names = "--prediction-log-capacity", paramLabel = "N",
      description = "Predictions the log's queue holds before it drops (default: 10000).")
  Integer predictionLogCapacity;

  @Option(names = "--monitor-interval-seconds", paramLabel = "SECONDS",
      description = "How often closed monitor windows of every deployment are computed and stored; 0 turns it off"
          + " (default: 60).")
  Long monitorIntervalSeconds;

  @Option(names = "--replica-id", paramLabel = "ID",
      description = "This server's name in serving counts and process samples (default: host name and process id).")
  String replicaId;

  @Option(names = "--process-sample-seconds", paramLabel = "SECONDS",
      description = "How often this process's CPU, heap and RSS are sampled for the monitor; 0 turns it off"
          + " (default: 5).")
  Long processSampleSeconds;

  @Option(names = "--monitor-retention-days", paramLabel = "DAYS",
      description = "How long serving counts and process samples are kept; 0 keeps them (default: 30).")
  Integer monitorRetentionDays;

  /** The serving settings: these flags (or their CAIRN_SERVER_* variables), else the server's own defaults. */
  dev.cairn.server.deployments.ServingSettings servingSettings() {
    dev.cairn.server.deployments.ServingSettings d = dev.cairn.server.deployments.ServingSettings.defaults();
    return new dev.cairn.server.deployments.ServingSettings(
        predictionLogSampleRate != null ? predictionLogSampleRate : d.sampleRate(),
        predictionLogCapacity != null ? predictionLogCapacity : d.logCapacity(),
        monitorIntervalSeconds != null ? monitorIntervalSeconds : d.monitorIntervalSeconds(),
        processSampleSeconds != null ? processSampleSeconds : d.processSampleSeconds(), replicaId,
        monitorRetentionDays != null ? monitorRetentionDays : d.retentionDays());
  }

  /** The key folder is read once, at start: the property is set only around it (one server per process). */
  private CairnServer startWithKeyDir(ServerConfig config) {
    if (signingKeyDir == null || signingKeyDir.isBlank()) {
      return CairnServer.startWith(config, java.util.List.of(), servingSettings());
    }
    String property = dev.cairn.server.registry.ModelIntegrity.KEY_DIR_PROPERTY;
    String before = System.getProperty(property);
    System.setProperty(property, signingKeyDir);
    try {
      return CairnServer.startWith(config, java.util.List.of(), servingSettings());
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }

  @Override
  public Integer call() {
    requireResolvableHost();
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port " + port + " is out of range; use 0 to 65535");
    }
    requireFreePort();
    CairnServer server = startWithKeyDir(new ServerConfig(host, port, backendStoreUri, artifactsUri)
        .withAuth(auth).withAdminTokenFile(adminTokenFile));
    AtomicBoolean closed = new AtomicBoolean();
    Runnable stop = () -> {
      if (closed.compareAndSet(false, true)) {
        server.close();
      }
    };
    Thread hook = new Thread(stop, "cairn-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Cairn serving " + server.url() + " (backend " + redact(backendStoreUri) + ", artifacts "
        + redact(artifactsUri) + ", authentication " + (server.requiresAuth() ? "on" : "off") + "); Ctrl-C stops it");
    server.adminTokenFile().ifPresent(file -> out.println("Created user admin; its token is in "
        + file.toAbsolutePath() + " (readable only by you)"));
    out.flush();
    boolean interrupted = false;
    try {
      new CountDownLatch(1).await(); // Ctrl-C runs the hook; an interrupt (embedding, tests) stops here
    } catch (InterruptedException e) {
      interrupted = true; // restored after stopping: Jetty's stop must not see the flag
    }
    stop.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already exiting through the hook
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Hides passwords in store URIs before printing them (the server's own rule). */
  static String redact(String uri) {
    return CairnServer.redact(uri);
  }

  /**
   * A port another process listens on fails here, in one line, before any store or data folder is touched
   * (the HTTP server would log its own error and the stores would already be open). Not a guarantee: the
   * port can still be taken before the server binds it, and then the server's error is reported.
   */
  private void requireFreePort() {
    // a data folder another server holds is the better message (it names that server): the start reports it
    if (port == 0 || DataFolderLock.folderOf(backendStoreUri).flatMap(DataFolderLock::holder).isPresent()) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as Jetty does: a closed connection still in TIME_WAIT does not count
      probe.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "cannot listen on " + host + ":" + port + " ("
          + e.getMessage() + "); another process uses the port: stop it, or choose another --port");
    }
  }

  /** A host that does not resolve is a bad argument, reported before any store is opened. */
  private void requireResolvableHost() {
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new ParameterException(spec.commandLine(), "--host '" + host + "' does not resolve");
    }
  }
}
