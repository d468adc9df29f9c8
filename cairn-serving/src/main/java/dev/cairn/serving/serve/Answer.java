package dev.cairn.serving.serve;

import dev.cairn.serving.runtime.Scored;
import java.util.List;

/** A scored request: which version answered, its predictions and one prediction id per row. */
public record Answer(Served served, Scored scored, List<String> predictionIds) {
  public Answer {
    predictionIds = List.copyOf(predictionIds);
  }
}
