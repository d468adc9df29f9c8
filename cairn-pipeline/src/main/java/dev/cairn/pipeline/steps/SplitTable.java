package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.split.SplitIndices;
import dev.cairn.ml.split.SplitSpec;
import dev.cairn.ml.split.Splitter;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import java.nio.file.Path;

/**
 * Built-in step {@code split}: input {@code data} into outputs {@code train} and {@code test} (tables), seeded and
 * deterministic; with {@code stratify} naming a column (the label), each of its values keeps its share in both
 * parts within one row. Rows keep their order and their text exactly as in the input.
 */
public final class SplitTable implements Step {
  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .input("data", "table")
        .output("train", "table")
        .output("test", "table")
        .param("test_fraction", ParamType.NUMBER, 0.2)
        .param("seed", ParamType.INTEGER, 42L)
        .param("stratify", ParamType.STRING, "")
        .version("1")
        .build();
  }

  @Override
  public void run(StepContext context) throws Exception {
    Path csv = Tables.csv(context, "data");
    Frame frame = Frame.read(csv);
    String stratify = context.stringParam("stratify");
    if (!stratify.isEmpty() && !frame.columnNames().contains(stratify)) {
      throw CairnException.invalid("step parameter 'stratify' names column '" + stratify + "', which the table lacks;"
          + " its columns: " + String.join(", ", frame.columnNames()));
    }
    SplitIndices split = Splitter.split(frame, SplitSpec.trainTest(context.numberParam("test_fraction"),
        context.integerParam("seed"), stratify.isEmpty() ? null : stratify));
    boolean[] toTest = new boolean[frame.rowCount()];
    for (int i : split.test()) {
      toTest[i] = true;
    }
    Tables.partition(csv, toTest, context.outputFile("train"), context.outputFile("test"));
    context.log(frame.rowCount() + " rows: " + split.train().length + " to train, " + split.test().length + " to test"
        + (stratify.isEmpty() ? "" : ", stratified by " + stratify));
  }
}
