package dev.cairn.data.drift;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Locale;

/**
 * A drift test. P-value tests flag drift when {@code p < threshold}; distances flag drift when
 * {@code statistic >= threshold}. Defaults follow Evidently.
 */
public enum DriftMethod {
  /** Two-sample Kolmogorov-Smirnov on numeric values. */
  KS(true, 0.05),
  /** Pearson chi-squared test of homogeneity of reference and current category counts. */
  CHI_SQUARED(true, 0.05),
  /** Two-proportion z-test, for binary categoricals. */
  Z_TEST(true, 0.05),
  /** Wasserstein-1 distance divided by the reference standard deviation. */
  WASSERSTEIN(false, 0.1),
  /** Jensen-Shannon distance (natural log, so in [0, sqrt(ln 2)]). */
  JENSEN_SHANNON(false, 0.1),
  /** Population stability index over reference-quantile bins. */
  PSI(false, 0.1);

  private final boolean pValue;
  private final double defaultThreshold;

  DriftMethod(boolean pValue, double defaultThreshold) {
    this.pValue = pValue;
    this.defaultThreshold = defaultThreshold;
  }

  public boolean isPValueTest() {
    return pValue;
  }

  public double defaultThreshold() {
    return defaultThreshold;
  }

  public boolean isDrift(double score, double threshold) {
    return pValue ? score < threshold : score >= threshold;
  }

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static DriftMethod parse(String text) {
    for (DriftMethod m : values()) {
      if (m.id().equalsIgnoreCase(text) || m.name().equalsIgnoreCase(text)) {
        return m;
      }
    }
    throw CairnException.invalid("drift method '" + text + "' is unknown; known: ks, chi_squared, z_test, wasserstein, jensen_shannon, psi");
  }
}
