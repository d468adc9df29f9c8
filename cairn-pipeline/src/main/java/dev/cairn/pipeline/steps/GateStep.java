package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.ml.gate.Gate;
import dev.cairn.ml.gate.GateDecision;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepArtifact;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.registry.ModelVersion;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Built-in step {@code gate}: decides whether the candidate model (input {@code evaluation}) may be registered, as
 * TFX's Evaluator blesses a model. Parameter {@code checks}: expressions separated by {@code ;}, each a value
 * threshold ({@code accuracy >= 0.8}) or a change threshold against the baseline ({@code roc_auc >= baseline -
 * 0.01}); the syntax is in docs/evaluation.md. The baseline is the evaluation registered with the version that
 * holds {@code alias} of registered model {@code model} (see {@link RegisterModel}); with no such version the change
 * thresholds are skipped and the decision says so. A failed gate fails the step, so nothing downstream registers
 * the model; the decision (output {@code decision}, JSON) is the evidence of a promotion request. The alias's
 * current version is the step's external state: a moved alias re-runs the gate.
 */
public final class GateStep implements Step {
  private final Baselines baselines;

  public GateStep(Baselines baselines) {
    this.baselines = baselines;
  }

  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .input("evaluation", "evaluation")
        .output("decision", "gate")
        .param("checks", ParamType.STRING, null)
        .param("model", ParamType.STRING, "")
        .param("alias", ParamType.STRING, "champion")
        .version("1")
        .build();
  }

  /**
   * The baseline's evaluation, by hash. A baseline whose evaluation is the candidate's own (the pipeline registered
   * this very model last time) counts as none: a model cannot fall short of itself, and so a second run of an
   * unchanged pipeline is served from the cache instead of re-gating and re-registering the same model.
   */
  @Override
  public Map<String, String> externalState(Map<String, Object> params, Map<String, StepArtifact> inputs) {
    ModelVersion holder = baselines.holder((String) params.get("model"), (String) params.get("alias"));
    String digest = holder == null ? null : baselines.evaluationSha256(holder);
    boolean self = digest != null && digest.equals(inputs.get("evaluation").sha256());
    return Map.of("baseline", digest == null || self ? "none" : digest);
  }

  @Override
  public void run(StepContext context) throws Exception {
    Gate gate = Gate.parse(checks(context.stringParam("checks")));
    Evaluation candidate = Evaluation.fromJson(Files.readString(context.inputFile("evaluation")));
    String model = context.stringParam("model");
    String alias = context.stringParam("alias");
    ModelVersion holder = baselines.holder(model, alias);
    Evaluation baseline = holder == null ? null : baselines.evaluation(holder);
    if (baseline != null && context.input("evaluation").sha256().equals(baselines.evaluationSha256(holder))) {
      context.log("baseline: " + model + "@" + alias + " = version " + holder.version() + ", this same model");
      holder = null;
      baseline = null;
    }
    if (holder != null) {
      context.log("baseline: " + model + "@" + alias + " = version " + holder.version()
          + (baseline == null ? " (no evaluation registered with it: change thresholds skipped)" : ""));
    }
    GateDecision decision = gate.evaluate(candidate, baseline);
    context.log(decision.report());
    context.writeOutput("decision", Json.write(Map.of("passed", decision.passed(), "report", decision.report(),
        "baseline", holder == null ? "none" : model + "/" + holder.version(), "decision", decision)));
    if (!decision.passed()) {
      throw new CairnException(ErrorCode.INVALID_STATE, decision.report().strip().replace("\n", "; ")
          .replaceAll(" {2,}", " "));
    }
  }

  static List<String> checks(String text) {
    List<String> checks = Arrays.stream(text.split("[;\n]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (checks.isEmpty()) {
      throw CairnException.invalid("step parameter 'checks' has no check; write e.g. 'accuracy >= 0.8; roc_auc >="
          + " baseline - 0.01'");
    }
    return checks;
  }
}
