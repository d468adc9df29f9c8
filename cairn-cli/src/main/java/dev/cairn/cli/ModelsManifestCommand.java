package dev.cairn.cli;

import dev.cairn.registry.integrity.ArtifactManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn models manifest --dir DIR [--subject TEXT] [--output FILE]}: hashes a local folder (streaming) and
 * writes its canonical manifest, the same format the server signs, so a bundle can be pinned before it is
 * copied. A subcommand of the {@code models} group.
 */
@Command(name = "manifest", description = "Write the canonical manifest (paths, sizes, SHA-256) of a local folder.")
public final class ModelsManifestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The folder to describe.")
  Path dir;

  @Option(names = "--subject", paramLabel = "TEXT",
      description = "What the files are, e.g. models:/churn/3; covered by the manifest's hash.")
  String subject;

  @Option(names = "--output", paramLabel = "FILE", defaultValue = "manifest.json",
      description = "Where to write it (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() {
    ArtifactManifest manifest = ArtifactManifest.ofDirectory(dir, subject, null);
    manifest.write(output);
    PrintWriter out = spec.commandLine().getOut();
    out.println("wrote " + output + ": " + manifest.files().size() + " files (" + Output.bytes(manifest.totalSize())
        + "), manifest sha256 " + manifest.sha256());
    out.flush();
    return 0;
  }
}
