package dev.cairn.examples;

import dev.cairn.client.ActiveRun;
import dev.cairn.client.CairnClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Fits y = 3x + 2 by gradient descent and tracks it: params, a loss per epoch, the model as JSON, a text
 * summary, and a nested evaluation run. Connects to the first argument, else CAIRN_TRACKING_URI, else
 * MLFLOW_TRACKING_URI, else http://127.0.0.1:5000. Prints the run id last.
 */
public final class Quickstart {
  public static void main(String[] args) {
    CairnClient client = CairnClient.connect(args.length > 0 ? args[0] : null);
    String experimentId = client.getOrCreateExperiment("sdk-quickstart");

    Random random = new Random(42);
    int n = 200;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextDouble() * 4 - 2;
      y[i] = 3 * x[i] + 2 + random.nextGaussian() * 0.1;
    }
    double learningRate = 0.1;
    int epochs = 20;

    String runId = client.run(experimentId, "linear-fit", run -> {
      run.logParam("learning_rate", Double.toString(learningRate));
      run.logParam("epochs", Integer.toString(epochs));
      double w = 0;
      double b = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        double gradW = 0;
        double gradB = 0;
        double loss = 0;
        for (int i = 0; i < n; i++) {
          double error = w * x[i] + b - y[i];
          loss += error * error / n;
          gradW += 2 * error * x[i] / n;
          gradB += 2 * error / n;
        }
        w -= learningRate * gradW;
        b -= learningRate * gradB;
        run.logMetric("loss", loss, epoch); // queued; a background thread sends batches
      }
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("weight", w);
      model.put("bias", b);
      run.logJson(model, "model/model.json");
      run.logText(String.format("fitted y = %.3fx + %.3f after %d epochs%n", w, b, epochs), "summary.txt");

      try (ActiveRun evaluation = run.startChildRun("evaluation")) {
        double mse = 0;
        for (int i = 0; i < n; i++) {
          double error = w * x[i] + b - y[i];
          mse += error * error / n;
        }
        evaluation.logMetric("mse", mse);
      }
    }); // ends FINISHED, or FAILED if the block throws
    System.out.println(runId);
  }
}
