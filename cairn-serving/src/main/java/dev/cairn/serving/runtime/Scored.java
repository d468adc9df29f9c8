package dev.cairn.serving.runtime;

import dev.cairn.ml.train.Predictions;

/**
 * What scoring a batch gives: the predictions and, when asked for, their explanations.
 *
 * @param predictions the model's predictions, one per row
 * @param explanations per-feature contributions, one per row; null when not asked for
 */
public record Scored(Predictions predictions, Explanations explanations) {}
