/**
 * The model bundle: input encoding, model, schemas, statistics, metrics and provenance, named by a content hash.
 * {@link dev.cairn.ml.bundle.Bundles#load} opens one of any runtime: {@link dev.cairn.ml.bundle.ModelBundle} (Tribuo,
 * trained by Cairn) or {@link dev.cairn.ml.bundle.OnnxBundle} (an imported ONNX model).
 */
package dev.cairn.ml.bundle;
