package dev.cairn.cli.data;

import dev.cairn.data.version.AddProgress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows a progress bar on stderr for phases big enough to be worth watching (over 64 MiB). */
final class ProgressBars implements AddProgress {
  static final long THRESHOLD_BYTES = 64L << 20;
  private final boolean enabled;
  private ProgressBar bar;

  ProgressBars(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public void phase(String name, long totalBytes) {
    done();
    if (enabled && totalBytes >= THRESHOLD_BYTES) {
      bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(totalBytes).setUnit("MiB", 1L << 20)
          .setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(250)
          .setConsumer(new ConsoleProgressBarConsumer(System.err)).build(); // the stderr of now, as tests set it
    }
  }

  @Override
  public void advance(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  @Override
  public void done() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
