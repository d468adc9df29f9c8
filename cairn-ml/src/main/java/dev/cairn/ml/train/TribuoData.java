package dev.cairn.ml.train;

import dev.cairn.core.CairnException;
import dev.cairn.ml.transform.FeatureMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Turns feature matrices into Tribuo examples and datasets, with a fixed data provenance (no timestamp). */
final class TribuoData {
  private TribuoData() {}

  static <T extends Output<T>> List<Example<T>> examples(FeatureMatrix features, String[] names, IntFunction<T> output) {
    List<Example<T>> examples = new ArrayList<>(features.rowCount());
    for (int i = 0; i < features.rowCount(); i++) {
      double[] row = features.rows()[i];
      for (int f = 0; f < row.length; f++) {
        if (!Double.isFinite(row[f])) {
          throw CairnException.invalid("feature '" + names[f] + "' is " + row[f] + " in row " + i
              + "; models need finite values (add an impute step for missing values)");
        }
      }
      examples.add(new ArrayExample<>(output.apply(i), names, row));
    }
    return examples;
  }

  static <T extends Output<T>> MutableDataset<T> dataset(FeatureMatrix features, OutputFactory<T> factory,
      IntFunction<T> output) {
    if (features.rowCount() == 0) {
      throw CairnException.invalid("training data has no rows");
    }
    SimpleDataSourceProvenance source = new SimpleDataSourceProvenance("cairn feature matrix",
        DeterministicModels.FIXED_TIME, factory);
    MutableDataset<T> dataset = new MutableDataset<>(source, factory);
    dataset.addAll(examples(features, features.names().toArray(String[]::new), output));
    return dataset;
  }
}
