package dev.cairn.client;

import dev.cairn.core.CairnException;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Encodes images for {@link ActiveRun#logImage} with the JDK's ImageIO, in the format the file name asks for. */
final class Images {
  private static final Map<String, String> FORMATS =
      Map.of("png", "png", "jpg", "jpeg", "jpeg", "jpeg", "gif", "gif", "bmp", "bmp");

  private Images() {}

  static byte[] encode(RenderedImage image, String artifactFile) {
    if (image == null) {
      throw CairnException.invalid("image is null");
    }
    String name = artifactFile == null ? "" : artifactFile;
    int dot = name.lastIndexOf('.');
    String format = dot < 0 ? null : FORMATS.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (format == null) {
      throw CairnException.invalid("image file name '" + name + "' must end in .png, .jpg, .jpeg, .gif or .bmp");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        // JPEG and BMP have no alpha channel: ImageIO finds no writer for an ARGB image
        throw CairnException.invalid("cannot encode a " + image.getClass().getSimpleName() + " of color model "
            + image.getColorModel().getClass().getSimpleName() + " as " + format + "; use .png for images with alpha");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode image as " + format, e);
    }
    return out.toByteArray();
  }
}
