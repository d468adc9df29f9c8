package dev.cairn.server.inference;

import dev.cairn.core.CairnException;
import dev.cairn.serving.log.InstallationSalt;
import dev.cairn.serving.log.PersonalFields;
import dev.cairn.serving.log.PredictionLog;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The server's prediction log settings, read at start from the environment or the matching system property:
 * <pre>
 * CAIRN_PREDICTION_LOG_SAMPLE_RATE   cairn.prediction-log.sample-rate     share of rows kept, 0 to 1 (default 1)
 * CAIRN_PERSONAL_FIELDS              cairn.prediction-log.personal-fields what happens to input fields a bundle marks
 *                                                                         personal: hash (default) or drop
 * </pre>
 * Hashing uses the installation's salt, {@value #SALT_FILE} in the data folder, made when the first personal field is
 * hashed (a server whose bundles mark nothing personal never makes it).
 */
public final class PredictionLogSettings {
  public static final String SAMPLE_RATE_ENV = "CAIRN_PREDICTION_LOG_SAMPLE_RATE";
  public static final String SAMPLE_RATE_PROPERTY = "cairn.prediction-log.sample-rate";
  public static final String PERSONAL_ENV = "CAIRN_PERSONAL_FIELDS";
  public static final String PERSONAL_PROPERTY = "cairn.prediction-log.personal-fields";
  /** The salt file's name inside the data folder. */
  public static final String SALT_FILE = "installation-salt";

  private PredictionLogSettings() {}

  /** The settings for a server whose data folder is {@code dataFolder}. */
  public static PredictionLog.Settings configured(Path dataFolder) {
    double rate = sampleRate(setting(SAMPLE_RATE_PROPERTY, SAMPLE_RATE_ENV));
    PersonalFields.Mode mode = personalMode(setting(PERSONAL_PROPERTY, PERSONAL_ENV));
    Supplier<PersonalFields> personal = mode == PersonalFields.Mode.DROP
        ? () -> new PersonalFields(Set.of(), PersonalFields.Mode.DROP, null)
        : new Supplier<>() {
          private PersonalFields loaded;

          @Override
          public synchronized PersonalFields get() { // only the log's writer thread asks; loads the salt once
            if (loaded == null) {
              loaded = new PersonalFields(Set.of(), PersonalFields.Mode.HASH,
                  InstallationSalt.load(dataFolder.resolve(SALT_FILE)));
            }
            return loaded;
          }
        };
    // no deployment names fields itself: the bundles' input schemas do (see PredictionRecord.personal); this gives
    // the mode and the salt they are handled with
    return PredictionLog.Settings.defaults().withSampleRate(rate)
        .withPersonalFields(deployment -> personal.get());
  }

  static double sampleRate(String text) {
    if (text == null || text.isBlank()) {
      return 1.0;
    }
    double rate;
    try {
      rate = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      rate = Double.NaN;
    }
    if (!(rate >= 0 && rate <= 1)) {
      throw CairnException.invalid(SAMPLE_RATE_ENV + " '" + text + "' is not a number from 0 to 1 (the share of"
          + " predictions the log keeps)");
    }
    return rate;
  }

  static PersonalFields.Mode personalMode(String text) {
    if (text == null || text.isBlank()) {
      return PersonalFields.Mode.HASH;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "hash" -> PersonalFields.Mode.HASH;
      case "drop" -> PersonalFields.Mode.DROP;
      default -> throw CairnException.invalid(PERSONAL_ENV + " '" + text + "' is not a mode; use hash or drop");
    };
  }

  private static String setting(String property, String env) {
    return System.getProperty(property, System.getenv(env));
  }
}
