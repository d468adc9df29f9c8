package dev.cairn.ml.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.frame.StringColumn;
import dev.cairn.ml.transform.TransformSpec.Bucketise;
import dev.cairn.ml.transform.TransformSpec.Impute;
import dev.cairn.ml.transform.TransformSpec.OneHot;
import dev.cairn.ml.transform.TransformSpec.Standardise;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeatureTransformsTest {
  private static final double NaN = Double.NaN;

  private static Frame train() {
    return new Frame(List.of(new NumericColumn("age", new double[] {1, 2, NaN, 5}),
        new StringColumn("plan", new String[] {"a", "b", null, "b"})));
  }

  private static Frame test() {
    return new Frame(List.of(new NumericColumn("age", new double[] {NaN, 4, 100}),
        new StringColumn("plan", new String[] {"c", null, "a"})));
  }

  private static FittedTransform.Impute fittedImpute(ImputeStrategy strategy, Object constant) {
    FeatureSpec spec = new FeatureSpec(List.of(ColumnSpec.of("age", new Impute(strategy, constant))));
    return (FittedTransform.Impute) spec.fit(train()).columns().get(0).steps().get(0);
  }

  @Test
  void imputeLearnsMeanMedianMostFrequentAndConstantFromTheTrainingValues() {
    assertThat(fittedImpute(ImputeStrategy.MEAN, null).number()).isEqualTo(8.0 / 3);
    assertThat(fittedImpute(ImputeStrategy.MEDIAN, null).number()).isEqualTo(2.0);
    assertThat(fittedImpute(ImputeStrategy.MOST_FREQUENT, null).number()).isEqualTo(1.0); // all tie: smallest
    assertThat(fittedImpute(ImputeStrategy.CONSTANT, 0).number()).isEqualTo(0.0);
  }

  @Test
  void medianImputeThenStandardiseAppliesTrainingParametersToOtherFrames() {
    FeatureSpec spec = new FeatureSpec(List.of(ColumnSpec.of("age", Impute.of(ImputeStrategy.MEDIAN), new Standardise())));
    FittedFeatures fitted = spec.fit(train());
    // imputed training values 1, 2, 2, 5: mean 2.5, population variance 9/4, so scale 1.5
    assertThat(fitted.columns().get(0).steps().get(1)).isEqualTo(new FittedTransform.Standardise(2.5, 1.5));
    FeatureMatrix x = fitted.apply(test());
    assertThat(x.names()).containsExactly("age");
    assertThat(x.get(0, 0)).isCloseTo(-1.0 / 3, within(1e-15));
    assertThat(x.get(1, 0)).isEqualTo(1.0);
    assertThat(x.get(2, 0)).isCloseTo(65.0, within(1e-12));
  }

  @Test
  void oneHotEncodesTrainingCategoriesAndReportsUnknownOnesAsZeros() {
    FeatureSpec spec = new FeatureSpec(List.of(ColumnSpec.of("plan", Impute.of(ImputeStrategy.MOST_FREQUENT),
        new OneHot(UnknownCategory.ZEROS))));
    FeatureMatrix x = spec.fit(train()).apply(test());
    assertThat(x.names()).containsExactly("plan=a", "plan=b");
    assertThat(x.rows()).isDeepEqualTo(new double[][] {{0, 0}, {0, 1}, {1, 0}});
    assertThat(x.unknownCategories()).isEqualTo(Map.of("plan", Set.of("c")));
  }

  @Test
  void oneHotWithErrorPolicyRefusesAnUnknownCategoryNamingIt() {
    FittedFeatures fitted = new FeatureSpec(List.of(ColumnSpec.of("plan", new OneHot(UnknownCategory.ERROR)))).fit(train());
    assertThatThrownBy(() -> fitted.apply(test())).isInstanceOf(CairnException.class)
        .hasMessageContaining("row 0 column 'plan' has category 'c'").hasMessageContaining("[a, b]");
    // without impute a missing category is all zeros, with either policy
    FeatureMatrix x = fitted.apply(new Frame(List.of(new StringColumn("plan", new String[] {null, "b"}))));
    assertThat(x.rows()).isDeepEqualTo(new double[][] {{0, 0}, {0, 1}});
  }

  @Test
  void bucketiseWithFixedEdgesPutsEdgeValuesInTheBucketAbove() {
    Frame f = new Frame(List.of(new NumericColumn("v", new double[] {1, 2, 3, 4, 5, NaN})));
    FeatureMatrix x = new FeatureSpec(List.of(ColumnSpec.of("v", Bucketise.ofEdges(2, 4)))).fit(f).apply(f);
    assertThat(x.names()).containsExactly("v_bucket_0", "v_bucket_1", "v_bucket_2");
    assertThat(x.rows()).isDeepEqualTo(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}, {0, 0, 0}});
  }

  @Test
  void bucketiseByQuantilesLearnsEdgesFromTrainingValuesAndMergesEqualOnes() {
    Frame f = new Frame(List.of(new NumericColumn("v", new double[] {1, 2, 3, 4, 5, NaN})));
    FittedFeatures fitted = new FeatureSpec(List.of(ColumnSpec.of("v", Bucketise.ofQuantiles(4)))).fit(f);
    assertThat(fitted.columns().get(0).steps().get(0)).isEqualTo(new FittedTransform.Bucketise(List.of(2.0, 3.0, 4.0)));
    Frame constant = new Frame(List.of(new NumericColumn("v", new double[] {7, 7, 7})));
    FittedFeatures merged = new FeatureSpec(List.of(ColumnSpec.of("v", Bucketise.ofQuantiles(3)))).fit(constant);
    assertThat(merged.featureNames()).containsExactly("v_bucket_0", "v_bucket_1");
    // quartiles of 0 and 10 interpolate linearly between the two order statistics
    Frame two = new Frame(List.of(new NumericColumn("v", new double[] {10, 0})));
    FittedFeatures interpolated = new FeatureSpec(List.of(ColumnSpec.of("v", Bucketise.ofQuantiles(4)))).fit(two);
    assertThat(interpolated.columns().get(0).steps().get(0))
        .isEqualTo(new FittedTransform.Bucketise(List.of(2.5, 5.0, 7.5)));
  }

  @Test
  void fittedParametersRoundTripThroughJsonExactly() throws Exception {
    FeatureSpec spec = FeatureSpec.fromJson("""
        {"columns": [
          {"column": "age", "steps": [{"op": "impute", "strategy": "mean"}, {"op": "standardise"}]},
          {"column": "plan", "steps": [{"op": "impute", "strategy": "constant", "value": "none"},
                                       {"op": "one_hot", "unknown": "error"}]},
          {"column": "age2", "steps": [{"op": "impute", "strategy": "median"}, {"op": "bucketise", "quantiles": 3}]}]}""");
    Frame train = new Frame(List.of(new NumericColumn("age", new double[] {0.1, 0.2, NaN, 0.7}),
        new StringColumn("plan", new String[] {"x", null, "y", "x"}),
        new NumericColumn("age2", new double[] {1.0 / 3, 2, 9, NaN})));
    FittedFeatures fitted = spec.fit(train);
    String json = Json.MAPPER.writeValueAsString(fitted);
    FittedFeatures back = Json.MAPPER.readValue(json, FittedFeatures.class);
    assertThat(back).isEqualTo(fitted);
    assertThat(Json.MAPPER.writeValueAsString(back)).isEqualTo(json);
    assertThat(json).contains("\"op\":\"standardise\"").contains("\"unknown\":\"error\"");
    assertThat(back.apply(train).rows()).isDeepEqualTo(fitted.apply(train).rows());
    // age2 imputed with its median 2 is 1/3, 2, 2, 9: both tertile edges are 2, merged into one edge
    assertThat(back.featureNames()).containsExactly("age", "plan=none", "plan=x", "plan=y", "age2_bucket_0",
        "age2_bucket_1");
  }

  @Test
  void transformsMustSuitTheColumnType() {
    Frame f = train();
    assertThatThrownBy(() -> new FeatureSpec(List.of(ColumnSpec.of("age", new OneHot(null)))).fit(f))
        .hasMessageContaining("column 'age' is numeric; one_hot applies to categorical columns");
    assertThatThrownBy(() -> new FeatureSpec(List.of(ColumnSpec.of("plan", new Standardise()))).fit(f))
        .hasMessageContaining("column 'plan' is categorical; standardise applies to numeric columns");
    assertThatThrownBy(() -> new FeatureSpec(List.of(ColumnSpec.of("plan"))).fit(f))
        .hasMessageContaining("'plan' is categorical; its transforms must end with one_hot");
    assertThatThrownBy(() -> new FeatureSpec(List.of(ColumnSpec.of("plan", Impute.of(ImputeStrategy.MEAN), new OneHot(null)))).fit(f))
        .hasMessageContaining("impute strategy 'mean' needs numbers");
    assertThatThrownBy(() -> new FeatureSpec(List.of(ColumnSpec.of("age", Bucketise.ofEdges(1), new Standardise()))).fit(f))
        .hasMessageContaining("must be the last step");
    assertThatThrownBy(() -> new FeatureSpec(List.of(ColumnSpec.of("age", new Impute(ImputeStrategy.CONSTANT, "x")))).fit(f))
        .hasMessageContaining("impute 'value' must be a number");
    assertThatThrownBy(() -> FeatureSpec.fromJson("{\"columns\":[{\"column\":\"a\",\"steps\":[{\"op\":\"scale\"}]}]}"))
        .isInstanceOf(CairnException.class).hasMessageContaining("scale");
    assertThatThrownBy(() -> FeatureSpec.fromValue(Map.of("columns", List.of(Map.of("column", "a",
        "steps", List.of(Map.of("op", "impute", "strategy", "mode")))))))
        .hasMessageContaining("impute strategy 'mode' is unknown");
    assertThatThrownBy(() -> Bucketise.ofEdges(3, 1)).hasMessageContaining("strictly increasing");
  }

  @Test
  void autoSpecStandardisesNumbersAndOneHotEncodesCategoriesExceptTheLabel() {
    Frame f = new Frame(List.of(new NumericColumn("age", new double[] {1, 3}),
        new StringColumn("plan", new String[] {"a", null}), new StringColumn("label", new String[] {"y", "n"})));
    FeatureSpec spec = FeatureSpec.auto(f.schema(), Set.of("label"));
    assertThat(spec.inputColumns()).containsExactly("age", "plan");
    FittedFeatures fitted = spec.fit(f);
    assertThat(fitted.inputSchema()).containsExactly(Map.entry("age", ColumnType.NUMERIC),
        Map.entry("plan", ColumnType.CATEGORICAL));
    assertThat(fitted.apply(f).rows()).isDeepEqualTo(new double[][] {{-1, 1}, {1, 1}});
  }
}
