/**
 * MLflow-compatible search for runs and experiments: a filter and order_by parser (with OR, NOT and
 * parentheses added) and a renderer to one parameterised SELECT for SQLite or PostgreSQL. Grammar and
 * examples: docs/search.md.
 */
package dev.cairn.store.search;
