package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineDefinitionTest {
  @TempDir Path dir;
  StepRegistry registry;

  @BeforeEach
  void registerSteps() {
    registry = new StepRegistry().register("source", TestSteps.Source::new).register("upper", TestSteps.Upper::new)
        .register("join", TestSteps.Join::new).register("model", TestSteps.Model::new);
  }

  private Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  private Pipeline load(String yaml, String... overrides) throws IOException {
    return PipelineYaml.load(write("pipeline.yaml", yaml), registry, List.of(overrides));
  }

  private String failure(String yaml, String... overrides) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml, overrides));
    assertThat(t).isInstanceOf(CairnException.class);
    return t.getMessage();
  }

  private String file() {
    return dir.resolve("pipeline.yaml").toString();
  }

  static final String VALID = """
      name: demo
      steps:
        train:
          uses: upper
          inputs:
            data: load.data
          params:
            l2: 0.5
        load:
          uses: source
          params:
            count: 3
      """;

  @Test
  void yamlLoadsStepsInDependencyOrderWithTypedParamsAndDefaults() throws IOException {
    Pipeline p = load(VALID);
    assertThat(p.name()).isEqualTo("demo");
    assertThat(p.steps()).extracting(Pipeline.Node::name).containsExactly("load", "train");
    Pipeline.Node train = p.step("train").orElseThrow();
    assertThat(train.type()).isEqualTo("upper");
    assertThat(train.inputs().get("data")).isEqualTo(new Pipeline.OutputRef("load", "data"));
    assertThat(train.params()).containsEntry("l2", 0.5).containsEntry("verbose", false);
    assertThat(p.step("load").orElseThrow().params()).containsEntry("count", 3L).containsEntry("text", "hello");
    assertThat(train.cache()).isTrue();
  }

  @Test
  void stepsMayBeJavaClassesAndOptOutOfTheCache() throws IOException {
    Pipeline p = load("""
        name: demo
        steps:
          load:
            uses: source
          shout:
            class: dev.cairn.pipeline.TestSteps$Upper
            inputs: {data: load.data}
            cache: false
        """);
    assertThat(p.step("shout").orElseThrow().step()).isInstanceOf(TestSteps.Upper.class);
    assertThat(p.step("shout").orElseThrow().cache()).isFalse();
  }

  @Test
  void paramsFileOverridesThePipelineFileAndCommandLineOverridesBoth() throws IOException {
    write("params.yaml", """
        train:
          l2: 0.25
          verbose: true
        """);
    Pipeline p = load(VALID.replace("name: demo\n", "name: demo\nparams: params.yaml\n"), "train.l2=0.125",
        "load.text=bye");
    assertThat(p.step("train").orElseThrow().params()).containsEntry("l2", 0.125).containsEntry("verbose", true);
    assertThat(p.step("load").orElseThrow().params()).containsEntry("text", "bye").containsEntry("count", 3L);
  }

  @Test
  void overridesAreTypedByTheDeclaredParameter() throws IOException {
    Pipeline p = load(VALID, "load.count=7", "train.verbose=TRUE", "train.l2=3");
    assertThat(p.step("load").orElseThrow().params().get("count")).isEqualTo(7L);
    assertThat(p.step("train").orElseThrow().params().get("verbose")).isEqualTo(true);
    assertThat(p.step("train").orElseThrow().params().get("l2")).isEqualTo(3.0);
  }

  @Test
  void unknownBuiltInNamesFileLineKeyAndTheKnownSteps() {
    String message = failure(VALID.replace("uses: upper", "uses: uper"));
    assertThat(message).startsWith(file() + " line 4, key 'steps.train.uses'")
        .contains("unknown step type 'uper'").contains("join, model, source, upper");
  }

  @Test
  void unknownJavaClassNamesTheClass() {
    String message = failure(VALID.replace("uses: upper", "class: com.example.Nope"));
    assertThat(message).startsWith(file() + " line 4, key 'steps.train.class'").contains("com.example.Nope")
        .contains("not on the class path");
  }

  @Test
  void classThatIsNotAStepIsRefused() {
    assertThat(failure(VALID.replace("uses: upper", "class: java.lang.String")))
        .contains("does not implement dev.cairn.pipeline.Step");
  }

  @Test
  void unwiredInputNamesTheStepsInputsKey() {
    String message = failure("""
        name: demo
        steps:
          load:
            uses: source
          train:
            uses: upper
        """);
    assertThat(message).startsWith(file() + " line 5, key 'steps.train.inputs'")
        .contains("input 'data' of step 'train' is not wired");
  }

  @Test
  void wiringToAMissingStepOrOutputNamesTheLine() {
    assertThat(failure(VALID.replace("data: load.data", "data: lod.data")))
        .startsWith(file() + " line 6, key 'steps.train.inputs.data'").contains("step 'lod'")
        .contains("its steps: train, load");
    assertThat(failure(VALID.replace("data: load.data", "data: load.table")))
        .startsWith(file() + " line 6, key 'steps.train.inputs.data'").contains("step 'load' has no output 'table'")
        .contains("its outputs: data");
    assertThat(failure(VALID.replace("data: load.data", "data: load")))
        .startsWith(file() + " line 6, key 'steps.train.inputs.data'").contains("write STEP.OUTPUT");
    assertThat(failure(VALID.replace("data: load.data", "rows: load.data")))
        .startsWith(file() + " line 6, key 'steps.train.inputs.rows'").contains("has no input 'rows'");
  }

  @Test
  void wiringOfTheWrongArtifactTypeIsRefused() {
    String message = failure("""
        name: demo
        steps:
          load:
            uses: source
          fit:
            uses: model
            inputs: {data: load.data}
          train:
            uses: upper
            inputs:
              data: fit.model
        """);
    assertThat(message).startsWith(file() + " line 11, key 'steps.train.inputs.data'")
        .contains("takes type 'text', but fit.model is of type 'model'");
  }

  @Test
  void anInputOfTypeAnyTakesEveryType() throws IOException {
    Pipeline p = load("""
        name: demo
        steps:
          load: {uses: source}
          fit: {uses: model, inputs: {data: load.data}}
          both: {uses: join, inputs: {left: load.data, right: fit.model}}
        """);
    assertThat(p.steps()).extracting(Pipeline.Node::name).containsExactly("load", "fit", "both");
  }

  @Test
  void unknownAndMistypedParametersNameTheirLine() {
    assertThat(failure(VALID.replace("l2: 0.5", "lambda: 0.5")))
        .startsWith(file() + " line 8, key 'steps.train.params.lambda'")
        .contains("has no parameter 'lambda'; its parameters: l2, verbose");
    assertThat(failure(VALID.replace("l2: 0.5", "l2: \"0.5\"")))
        .startsWith(file() + " line 8, key 'steps.train.params.l2'").contains("is string '0.5'; expected a number");
    assertThat(failure(VALID.replace("count: 3", "count: 2.5")))
        .startsWith(file() + " line 12, key 'steps.load.params.count'").contains("expected an integer");
  }

  @Test
  void requiredParameterWithoutValueIsRefused() {
    Step needsSeed = new Step() {
      @Override
      public StepSpec spec() {
        return StepSpec.builder().param("seed", ParamType.INTEGER, null).build();
      }

      @Override
      public void run(StepContext context) {}
    };
    assertThatThrownBy(() -> Pipeline.builder("p").step("split", needsSeed).build())
        .hasMessageContaining("key steps.split.params").hasMessageContaining("parameter 'seed' of step 'split' is "
            + "required (integer)");
  }

  @Test
  void cyclesAreNamedStepByStep() {
    String message = failure("""
        name: demo
        steps:
          a:
            uses: upper
            inputs: {data: c.data}
          b:
            uses: upper
            inputs: {data: a.data}
          c:
            uses: upper
            inputs: {data: b.data}
        """);
    assertThat(message).startsWith(file() + " line 5, key 'steps.a.inputs'")
        .contains("the pipeline has a cycle: a -> c -> b -> a");
  }

  @Test
  void aStepReadingItselfIsACycle() {
    assertThatThrownBy(() -> Pipeline.builder("p")
        .step("loop", new TestSteps.Upper(), s -> s.input("data", "loop.data")).build())
        .hasMessageContaining("cycle: loop -> loop");
  }

  @Test
  void paramsFileErrorsNameTheParamsFile() throws IOException {
    Path params = write("params.yaml", """
        train:
          l2: 0.25
        tain:
          l2: 0.5
        """);
    String message = failure(VALID.replace("name: demo\n", "name: demo\nparams: params.yaml\n"));
    assertThat(message).startsWith(params + " line 3, key 'tain'").contains("has no step 'tain'");

    write("params.yaml", """
        train:
          verbose: yes please
        """);
    assertThat(failure(VALID.replace("name: demo\n", "name: demo\nparams: params.yaml\n")))
        .startsWith(params + " line 2, key 'steps.train.params.verbose'").contains("expected true or false");
  }

  @Test
  void missingParamsFileIsNamed() {
    assertThat(failure(VALID.replace("name: demo\n", "name: demo\nparams: nowhere.yaml\n")))
        .contains(dir.resolve("nowhere.yaml").toString()).contains("does not exist");
  }

  @Test
  void badOverridesNameTheOverride() {
    assertThat(failure(VALID, "train.l2=abc")).isEqualTo("override -P train.l2=abc: 'abc' is not a number "
        + "(parameter 'l2' of step 'train' is a number)");
    assertThat(failure(VALID, "train.lambda=1")).startsWith("override -P train.lambda=1: step 'train' (upper) has "
        + "no parameter 'lambda'");
    assertThat(failure(VALID, "tran.l2=1")).startsWith("override -P tran.l2=1: the pipeline has no step 'tran'");
    assertThat(failure(VALID, "l2=1")).startsWith("override -P l2=1: write STEP.PARAM=VALUE");
    assertThat(failure(VALID, "load.count=1.5")).contains("'1.5' is not an integer");
  }

  @Test
  void unknownKeysAndBadShapesAreRefusedWithTheirLine() {
    assertThat(failure(VALID.replace("name: demo\n", "name: demo\nstages: {}\n")))
        .startsWith(file() + " line 2, key 'stages'").contains("unknown key 'stages'");
    assertThat(failure(VALID.replace("    params:\n      l2", "    parms:\n      l2")))
        .startsWith(file() + " line 7, key 'steps.train.parms'").contains("unknown key 'parms' in step 'train'");
    assertThat(failure(VALID.replace("    uses: upper\n", "    uses: upper\n    class: x.Y\n")))
        .startsWith(file() + " line 3, key 'steps.train'").contains("exactly one of uses:");
    assertThat(failure(VALID.replace("uses: source", "uses: source\n    cache: sometimes")))
        .startsWith(file() + " line 11, key 'steps.load.cache'").contains("expected true or false");
    assertThat(failure("name: demo\nsteps: []\n")).startsWith(file() + " line 2, key 'steps'");
    assertThat(failure("steps:\n  a: {uses: source}\n")).contains("give the pipeline a name");
  }

  @Test
  void duplicateKeysAndBrokenYamlAreRefused() {
    assertThat(failure(VALID.replace("    uses: source\n", "    uses: source\n    uses: upper\n")))
        .startsWith(file() + " line 11, key 'steps.load.uses'").contains("written twice");
    assertThat(failure("name: demo\nsteps:\n  a: [unclosed\n")).startsWith(file() + " line")
        .contains("not valid YAML");
  }

  @Test
  void javaDslValidatesAsYamlDoes() {
    TestSteps.Source source = new TestSteps.Source();
    Pipeline p = Pipeline.builder("dsl")
        .step("shout", new TestSteps.Upper(), s -> s.input("data", "load.data").param("l2", 1).cache(false))
        .step("load", source, s -> s.param("count", 2))
        .build();
    assertThat(p.steps()).extracting(Pipeline.Node::name).containsExactly("load", "shout");
    assertThat(p.step("shout").orElseThrow().params()).containsEntry("l2", 1.0);
    assertThat(p.step("load").orElseThrow().params()).containsEntry("count", 2L);
    assertThat(p.step("shout").orElseThrow().cache()).isFalse();

    assertThatThrownBy(() -> Pipeline.builder("dsl").step("load", source, s -> s.param("count", "two")).build())
        .isInstanceOf(CairnException.class)
        .hasMessage("pipeline 'dsl', key steps.load.params.count: parameter 'count' of step 'load' is string 'two';"
            + " expected an integer");
    assertThatThrownBy(() -> Pipeline.builder("dsl").step("a", source).step("a", source).build())
        .hasMessageContaining("step 'a' is declared twice");
  }

  @Test
  void definitionHashChangesWithParametersOnly() throws IOException {
    Pipeline p = load(VALID);
    assertThat(load(VALID).definitionSha256()).isEqualTo(p.definitionSha256());
    assertThat(p.withOverrides(List.of("train.l2=0.75")).definitionSha256()).isNotEqualTo(p.definitionSha256());
  }
}
