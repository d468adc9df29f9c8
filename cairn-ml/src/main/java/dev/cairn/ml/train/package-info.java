/** Trainers over Tribuo with declared, validated parameters, producing models with repeatable bytes. */
package dev.cairn.ml.train;
