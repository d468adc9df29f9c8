package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.Ed25519Signer;
import dev.cairn.registry.integrity.ManifestVerifier;
import dev.cairn.registry.integrity.SigningKeys;
import dev.cairn.registry.integrity.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn models verify --dir DIR --manifest FILE [--signature FILE --public-key FILE]}: checks a copied
 * model version offline; {@code cairn models verify models:/NAME/N --dir DIR} fetches the version's manifest,
 * signature and public key from the server instead. The bundle files {@code cairn models download} writes
 * ({@value #BUNDLE_MANIFEST}, {@value #BUNDLE_SIGNATURE}, {@value #BUNDLE_PUBLIC_KEY} at the top of DIR) are not
 * counted as extra files. With a signature, first checks that the manifest is the one the server signed (with
 * only its public key); then that every file the manifest names is in DIR with its size and SHA-256, and no
 * other file is. Exit 0 and "verified N files", or exit 1 naming the bad signature or the first bad file (every
 * bad file is listed on stdout). A subcommand of the {@code models} group.
 */
@Command(name = "verify", description = "Check a copied model version against its manifest (and signature): "
    + "offline with --manifest, or against the server's signed manifest of a models:/ URI.")
public final class ModelsVerifyCommand implements Callable<Integer> {
  /** The manifest {@code cairn models download} writes beside a signed version's files. */
  public static final String BUNDLE_MANIFEST = "MANIFEST.json";
  /** The manifest's signature (base64), beside it. */
  public static final String BUNDLE_SIGNATURE = "MANIFEST.sig";
  /** The server's public key (PEM), beside it. */
  public static final String BUNDLE_PUBLIC_KEY = "signing-key.pub";
  static final java.util.Set<String> BUNDLE_FILES = java.util.Set.of(BUNDLE_MANIFEST, BUNDLE_SIGNATURE, BUNDLE_PUBLIC_KEY);

  @Spec CommandSpec spec;

  @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "URI",
      description = "models:/NAME/VERSION or models:/NAME@ALIAS: check DIR against the server's signed manifest.")
  String uri;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The folder holding the copied files.")
  Path dir;

  @Option(names = "--manifest", paramLabel = "FILE",
      description = "The version's manifest.json (paths, sizes and SHA-256 of its files).")
  Path manifest;

  @Option(names = "--signature", paramLabel = "FILE",
      description = "The manifest's Ed25519 signature (base64), as the server issued it; needs --public-key.")
  Path signature;

  @Option(names = "--public-key", paramLabel = "FILE",
      description = "The server's public key (PEM, manifest-signing.pub); needs --signature.")
  Path publicKey;

  @Override
  public Integer call() {
    if ((uri == null) == (manifest == null)) {
      throw new ParameterException(spec.commandLine(),
          "give a models:/ URI (checked against the server) or --manifest FILE (offline), not both and not neither");
    }
    if (uri != null) {
      return online();
    }
    if ((signature == null) != (publicKey == null)) {
      throw new ParameterException(spec.commandLine(),
          "--signature and --public-key go together: give both to check the signature, or neither");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ArtifactManifest expected = ArtifactManifest.read(manifest);
    String signedBy = null;
    if (signature != null) {
      PublicKey key = SigningKeys.readPublicKey(publicKey);
      try {
        Ed25519Signer.verify(key, expected, readSignature(signature));
      } catch (CairnException e) {
        err.println("cairn: bad signature: " + Main.oneLine(e.getMessage()));
        err.flush();
        return Main.EXIT_FAILURE;
      }
      signedBy = SigningKeys.fingerprint(key);
    }
    return report(expected, signedBy);
  }

  /** Fetches the version's manifest (its signature checked with the server's key) and checks DIR against it. */
  private int online() {
    ModelsCommand.checkUri(spec, uri);
    dev.cairn.client.ModelRegistryClient models = Main.client(spec).models();
    dev.cairn.client.ModelRegistryClient.Resolved resolved = models.resolve(uri);
    if (resolved.name() == null) {
      throw new ParameterException(spec.commandLine(), uri + " names no registered model version; use models:/NAME/N");
    }
    dev.cairn.client.ModelRegistryClient.VersionManifest m = models.manifest(resolved.name(), resolved.version());
    if (!m.signed()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cairn: models:/" + resolved.name() + "/" + resolved.version() + " has no signed manifest: "
          + Main.oneLine(m.reason()));
      err.flush();
      return Main.EXIT_FAILURE;
    }
    return report(m.manifest(), SigningKeys.fingerprint(SigningKeys.parsePublicKey(m.publicKeyPem(), "server key")));
  }

  private int report(ArtifactManifest expected, String signedBy) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    VerificationReport report = withoutBundleFiles(ManifestVerifier.verify(dir, expected));
    if (!report.isVerified()) {
      for (VerificationReport.Problem problem : report.problems()) {
        out.println(problem.describe());
      }
      out.flush();
      int more = report.problems().size() - 1;
      err.println("cairn: " + report.firstProblem().describe()
          + (more > 0 ? " (and " + more + " more problem" + (more == 1 ? "" : "s") + ")" : ""));
      err.flush();
      return Main.EXIT_FAILURE;
    }
    int files = report.filesVerified();
    out.println("verified " + files + (files == 1 ? " file (" : " files (") + Output.bytes(report.bytesHashed())
        + "), manifest sha256 " + expected.sha256()
        + (signedBy == null ? "" : ", signed by key " + signedBy));
    out.flush();
    return 0;
  }

  /** The report without the bundle files {@code models download} writes beside the files (when not in the manifest). */
  static VerificationReport withoutBundleFiles(VerificationReport report) {
    return new VerificationReport(report.filesVerified(), report.bytesHashed(), report.problems().stream()
        .filter(p -> !(p.kind() == VerificationReport.Kind.EXTRA && BUNDLE_FILES.contains(p.path())))
        .toList());
  }

  private static String readSignature(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("signature file " + file + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read signature file " + file, e);
    }
  }
}
