package dev.cairn.data.stats;

import dev.cairn.core.CairnException;
import dev.cairn.data.schema.Cells;
import dev.cairn.data.schema.Schema;
import dev.cairn.data.schema.SchemaInference;
import java.util.List;

/**
 * Settings of a profiling pass.
 *
 * @param nullTokens cell texts counted as missing
 * @param quantileBuckets buckets the {@link QuantileSketch} keeps (each within 0.05% of its values; when a column
 *     needs more, the smallest magnitudes fold into zero)
 * @param exactDistinctLimit distinct values counted exactly (8 bytes each in the profile); beyond it the HLL
 *     estimate is used
 * @param hllLgK log2 of HLL buckets (12: about 1.6% relative standard error on distinct counts)
 * @param frequentItemsMapSize frequent-items map size, a power of two; values are counted exactly while a column
 *     has at most 3/4 of this many distinct strings
 * @param topK how many most frequent values a column profile lists
 * @param histogramBins fixed-width bins over [min, max] for numeric histograms
 * @param inference schema inference thresholds
 * @param declaredSchema a schema that wins over inference, or null
 * @param threads 1 to profile on the reading thread; 2 to hand rows to a second thread in batches
 */
public record ProfileOptions(List<String> nullTokens, int quantileBuckets, int exactDistinctLimit, int hllLgK, int frequentItemsMapSize, int topK,
    int histogramBins, SchemaInference inference, Schema declaredSchema, int threads) {
  public static final ProfileOptions DEFAULT = new ProfileOptions(Cells.DEFAULT_NULL_TOKENS, QuantileSketch.DEFAULT_BUCKETS, 10_000, 12, 256, 20, 10,
      SchemaInference.DEFAULT, null, 1);

  public ProfileOptions {
    nullTokens = List.copyOf(nullTokens);
    if (quantileBuckets < 16 || quantileBuckets > 1 << 20) {
      throw CairnException.invalid("profile option 'quantileBuckets' is " + quantileBuckets + "; it must be in [16, 1048576]");
    }
    if (exactDistinctLimit < 0 || exactDistinctLimit > 1_000_000) {
      throw CairnException.invalid("profile option 'exactDistinctLimit' is " + exactDistinctLimit
          + "; it must be in [0, 1000000]");
    }
    if (hllLgK < 4 || hllLgK > 21) {
      throw CairnException.invalid("profile option 'hllLgK' is " + hllLgK + "; it must be in [4, 21]");
    }
    if (Integer.bitCount(frequentItemsMapSize) != 1 || frequentItemsMapSize < 16) {
      throw CairnException.invalid("profile option 'frequentItemsMapSize' is " + frequentItemsMapSize
          + "; it must be a power of two of at least 16");
    }
    if (topK < 1 || histogramBins < 1) {
      throw CairnException.invalid("profile options 'topK' and 'histogramBins' must be at least 1");
    }
    if (threads < 1 || threads > 2) {
      throw CairnException.invalid("profile option 'threads' is " + threads + "; it must be 1 or 2");
    }
  }

  public ProfileOptions withSchema(Schema schema) {
    return new ProfileOptions(nullTokens, quantileBuckets, exactDistinctLimit, hllLgK, frequentItemsMapSize, topK, histogramBins, inference, schema, threads);
  }

  public ProfileOptions withThreads(int n) {
    return new ProfileOptions(nullTokens, quantileBuckets, exactDistinctLimit, hllLgK, frequentItemsMapSize, topK, histogramBins, inference, declaredSchema, n);
  }

  public ProfileOptions withQuantileBuckets(int buckets) {
    return new ProfileOptions(nullTokens, buckets, exactDistinctLimit, hllLgK, frequentItemsMapSize, topK, histogramBins, inference, declaredSchema, threads);
  }
}
