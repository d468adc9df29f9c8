/** In-memory tables of typed columns ({@link dev.cairn.ml.frame.Frame}) read from CSV, TSV or JSON Lines files. */
package dev.cairn.ml.frame;
