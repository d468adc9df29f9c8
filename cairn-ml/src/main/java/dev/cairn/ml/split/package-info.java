/** Seeded, deterministic, optionally stratified train/validation/test splits of a frame's rows. */
package dev.cairn.ml.split;
