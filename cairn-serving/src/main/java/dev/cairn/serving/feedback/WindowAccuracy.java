package dev.cairn.serving.feedback;

/**
 * Live quality of one model version in one time window, from the predictions in it that got feedback.
 *
 * @param windowStart first millisecond of the window (predictions are placed by their time, not the feedback's)
 * @param windowEnd first millisecond after it
 * @param count predictions rows with feedback in the window
 * @param accuracy share of labelled rows whose logged predicted label equals the true one; null without labels
 * @param rmse root mean squared error over rows with a true value; null without values
 */
public record WindowAccuracy(String modelName, int modelVersion, long windowStart, long windowEnd, int count,
    Double accuracy, Double rmse) {}
