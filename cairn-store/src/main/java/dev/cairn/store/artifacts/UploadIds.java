package dev.cairn.store.artifacts;

import dev.cairn.core.CairnException;
import dev.cairn.store.ArtifactStore.CompletedPart;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/** Checks shared by every backend's multipart upload: id shape, part numbers and part order. */
final class UploadIds {
  static final int MAX_PART_NUMBER = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private UploadIds() {}

  /** A fresh id of 32 lowercase hex digits (128 random bits), safe to use as a file name. */
  static String newHexId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Raises INVALID_PARAMETER_VALUE unless the id is exactly 32 lowercase hex digits. */
  static String requireHexId(String uploadId) {
    if (uploadId == null || uploadId.length() != 32) {
      throw CairnException.invalid("upload id '" + uploadId + "' must be 32 lowercase hex digits");
    }
    for (int i = 0; i < 32; i++) {
      char c = uploadId.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw CairnException.invalid("upload id '" + uploadId + "' must be 32 lowercase hex digits");
      }
    }
    return uploadId;
  }

  /**
   * Raises INVALID_PARAMETER_VALUE for blank, over-long or control-character ids. For ids a backend issues
   * and never uses as a file name (S3's are opaque and may hold '/', '+' or '=').
   */
  static String requireOpaqueId(String uploadId) {
    if (uploadId == null || uploadId.isBlank() || uploadId.length() > 1024) {
      throw CairnException.invalid("upload id must have 1 to 1024 characters");
    }
    for (int i = 0; i < uploadId.length(); i++) {
      char c = uploadId.charAt(i);
      if (c < 0x21 || c == 0x7f) {
        throw CairnException.invalid("upload id has a space or control character at " + i);
      }
    }
    return uploadId;
  }

  static int requirePartNumber(int partNumber) {
    if (partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw CairnException.invalid(
          "part number " + partNumber + " is out of range; parts are numbered 1 to " + MAX_PART_NUMBER);
    }
    return partNumber;
  }

  /** Parts must be non-empty and in strictly ascending part-number order, as S3 requires. */
  static void requireAscending(List<CompletedPart> parts) {
    if (parts == null || parts.isEmpty()) {
      throw CairnException.invalid("parts is empty; a multipart upload needs at least 1 part");
    }
    int previous = 0;
    for (CompletedPart part : parts) {
      requirePartNumber(part.partNumber());
      if (part.partNumber() <= previous) {
        throw CairnException.invalid("parts must be in strictly ascending part-number order; "
            + part.partNumber() + " follows " + previous);
      }
      previous = part.partNumber();
    }
  }
}
