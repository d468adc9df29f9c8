package dev.cairn.cli;

import dev.cairn.client.ModelRegistryClient.VersionManifest;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The integrity files {@code cairn models download} writes beside a signed version's files, so the folder can be
 * copied anywhere and checked offline with {@code cairn models verify --dir DIR --manifest DIR/MANIFEST.json
 * --signature DIR/MANIFEST.sig --public-key DIR/signing-key.pub}.
 */
final class ModelsBundle {
  private ModelsBundle() {}

  static void write(Path dir, VersionManifest m) {
    for (String name : ModelsVerifyCommand.BUNDLE_FILES) {
      if (m.manifest().file(name) != null) {
        throw new CairnException(ErrorCode.INVALID_STATE, m.manifest().subject() + " has its own file '" + name
            + "'; its files are in " + dir + ", but the manifest, signature and key were not written beside them"
            + " (use 'cairn models verify " + m.manifest().subject() + " --dir " + dir + "')");
      }
    }
    try {
      Files.writeString(dir.resolve(ModelsVerifyCommand.BUNDLE_MANIFEST), m.manifestJson(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(ModelsVerifyCommand.BUNDLE_SIGNATURE), m.signature() + "\n",
          StandardCharsets.US_ASCII);
      Files.writeString(dir.resolve(ModelsVerifyCommand.BUNDLE_PUBLIC_KEY), m.publicKeyPem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest files into " + dir, e);
    }
  }
}
