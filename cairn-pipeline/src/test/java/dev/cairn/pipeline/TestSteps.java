package dev.cairn.pipeline;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Small steps for tests; each counts its runs, so a test can tell a run from a cache hit. */
final class TestSteps {
  private TestSteps() {}

  /** Writes {@code content} (a field a test may change) and its {@code text} parameter as output "data". */
  static final class Source implements Step {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicReference<String> content = new AtomicReference<>("rows");

    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("data", "text").param("text", ParamType.STRING, "hello")
          .param("count", ParamType.INTEGER, 1L).build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      runs.incrementAndGet();
      context.log("writing " + context.integerParam("count") + " copies");
      context.writeOutput("data", (content.get() + ":" + context.stringParam("text") + "\n")
          .repeat((int) context.integerParam("count")));
    }
  }

  /**
   * Reads {@code state} (a field standing for data outside the pipeline, e.g. a dataset version) and declares it as
   * external state; a null state fails the look-up.
   */
  static final class Outside implements Step {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicReference<String> state = new AtomicReference<>("v1");

    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("data", "text").build();
    }

    @Override
    public java.util.Map<String, String> externalState(java.util.Map<String, Object> params) {
      String now = state.get();
      if (now == null) {
        throw new IllegalStateException("the source is gone");
      }
      return java.util.Map.of("source", now);
    }

    @Override
    public void run(StepContext context) throws Exception {
      runs.incrementAndGet();
      context.writeOutput("data", "read " + state.get());
    }
  }

  /** Upper-cases input "data" into output "data"; optionally fails. Version is part of its fingerprint. */
  public static final class Upper implements Step {
    final AtomicInteger runs = new AtomicInteger();
    final String version;
    volatile boolean fail;

    public Upper() {
      this("1");
    }

    Upper(String version) {
      this.version = version;
    }

    @Override
    public StepSpec spec() {
      return StepSpec.builder().input("data", "text").output("data", "text")
          .param("l2", ParamType.NUMBER, 0.01).param("verbose", ParamType.BOOLEAN, false).version(version).build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      runs.incrementAndGet();
      if (fail) {
        throw new IllegalStateException("boom in " + context.stepName());
      }
      String text;
      try (var in = context.openInput("data")) {
        text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      context.writeOutput("data", text.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** Reads two text inputs and writes their concatenation. */
  static final class Join implements Step {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public StepSpec spec() {
      return StepSpec.builder().input("left", "text").input("right", StepSpec.ANY).output("joined", "text").build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      runs.incrementAndGet();
      context.writeOutput("joined", java.nio.file.Files.readString(context.inputFile("left"))
          + java.nio.file.Files.readString(context.inputFile("right")));
    }
  }

  /** A step that produces a "model", to test type checks of wiring. */
  static final class Model implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().input("data", "text").output("model", "model").build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      context.writeOutput("model", "m");
    }
  }

  /** Declares an output and never writes it. */
  static final class Forgetful implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("result", "text").build();
    }

    @Override
    public void run(StepContext context) {}
  }

  /** Counts down a shared latch and waits for the others: finishes only if all of them run at the same time. */
  static final class Rendezvous implements Step {
    final CountDownLatch arrived;
    final AtomicInteger active;
    final AtomicInteger maxActive;

    Rendezvous(CountDownLatch arrived, AtomicInteger active, AtomicInteger maxActive) {
      this.arrived = arrived;
      this.active = active;
      this.maxActive = maxActive;
    }

    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("done", "text").build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
      try {
        arrived.countDown();
        if (!arrived.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the other steps never ran alongside " + context.stepName());
        }
        context.writeOutput("done", context.stepName());
      } finally {
        active.decrementAndGet();
      }
    }
  }

  /** Does nothing and has no outputs: the executor's own cost per step. */
  static final class NoOp implements Step {
    private static final StepSpec SPEC = StepSpec.builder().build();

    @Override
    public StepSpec spec() {
      return SPEC;
    }

    @Override
    public void run(StepContext context) {}
  }
}
