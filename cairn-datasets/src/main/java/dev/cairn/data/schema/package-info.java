/**
 * Column types and schemas: {@link dev.cairn.data.schema.Cells} decides what text is a number, boolean,
 * timestamp or missing value; {@link dev.cairn.data.schema.SchemaInference} turns per-column evidence into a
 * {@link dev.cairn.data.schema.Schema}; {@link dev.cairn.data.schema.SchemaYaml} reads declared schemas (which
 * win over inference) with errors naming file, line and key; {@link dev.cairn.data.schema.SchemaDiff} compares two.
 */
package dev.cairn.data.schema;
