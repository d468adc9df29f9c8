package dev.cairn.server.inference;

import dev.cairn.core.CairnException;
import dev.cairn.serving.log.InstallationSalt;
import dev.cairn.serving.log.PersonalFields;
import dev.cairn.serving.log.PredictionLog;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How the server's prediction log treats personal fields, read at start from the environment or the system property:
 * <pre>
 * CAIRN_PERSONAL_FIELDS              cairn.prediction-log.personal-fields what happens to input fields a bundle marks
 *                                                                         personal: hash (default) or drop
 * </pre>
 * The sample rate and the queue's capacity are {@link dev.cairn.server.deployments.ServingSettings}.
 * Hashing uses the installation's salt, kept in the database (V83) so the server and its serving replicas hash alike;
 * it is made when the log first writes in hash mode.
 */
public final class PredictionLogSettings {
  public static final String PERSONAL_ENV = "CAIRN_PERSONAL_FIELDS";
  public static final String PERSONAL_PROPERTY = "cairn.prediction-log.personal-fields";

  private PredictionLogSettings() {}

  /** The settings for a serving process on {@code db}, whose installation salt it reads (or makes) there. */
  public static PredictionLog.Settings configured(dev.cairn.store.sql.SqlDatabase db) {
    PersonalFields.Mode mode = personalMode(setting(PERSONAL_PROPERTY, PERSONAL_ENV));
    Supplier<PersonalFields> personal = mode == PersonalFields.Mode.DROP
        ? () -> new PersonalFields(Set.of(), PersonalFields.Mode.DROP, null)
        : new Supplier<>() {
          private PersonalFields loaded;

          @Override
          public synchronized PersonalFields get() { // only the log's writer thread asks; loads the salt once
            if (loaded == null) {
              loaded = new PersonalFields(Set.of(), PersonalFields.Mode.HASH,
                  InstallationSalt.load(db));
            }
            return loaded;
          }
        };
    // no deployment names fields itself: the bundles' input schemas do (see PredictionRecord.personal); this gives
    // the mode and the salt they are handled with
    return PredictionLog.Settings.defaults().withPersonalFields(deployment -> personal.get());
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
