/** The model bundle: transforms, model, schemas, statistics, metrics and provenance, named by a content hash. */
package dev.cairn.ml.bundle;
