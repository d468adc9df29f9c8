/**
 * Feature transforms (impute, standardise, one-hot, bucketise) fitted on training rows only; their fitted
 * parameters serialise to JSON so a model bundle applies the same code at serving time.
 */
package dev.cairn.ml.transform;
