package dev.cairn.client;

/** A program that starts a run, logs a point and exits without closing it: the shutdown hook must end it. */
public final class ExitWithOpenRun {
  private ExitWithOpenRun() {}

  public static void main(String[] args) {
    CairnClient client = CairnClient.connect(args[0]);
    ActiveRun run = client.startRun(args[1], "abandoned", RunOptions.defaults().withAutoTags(false));
    run.logMetric("loss", 0.25, 7);
    System.out.println(run.runId());
    System.out.flush();
    System.exit(0);
  }
}
