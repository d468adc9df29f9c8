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
 * model version offline. With a signature, first checks that the manifest is the one the server signed (with
 * only its public key); then that every file the manifest names is in DIR with its size and SHA-256, and no
 * other file is. Exit 0 and "verified N files", or exit 1 naming the bad signature or the first bad file (every
 * bad file is listed on stdout). A subcommand of the {@code models} group.
 */
@Command(name = "verify", description = "Check a copied model version against its manifest (and signature), offline.")
public final class ModelsVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The folder holding the copied files.")
  Path dir;

  @Option(names = "--manifest", required = true, paramLabel = "FILE",
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
    VerificationReport report = ManifestVerifier.verify(dir, expected);
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
    out.println("verified " + report.filesVerified() + " files (" + Output.bytes(report.bytesHashed())
        + "), manifest sha256 " + expected.sha256()
        + (signedBy == null ? "" : ", signed by key " + signedBy));
    out.flush();
    return 0;
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
