#!/usr/bin/env bash
# Generates the small churn dataset the docs use (docs/datasets.md), deterministically, into DIR (default ./churn).
# Usage: examples/churn/make-data.sh [DIR] [v2]   -- with "v2", appends the autumn-campaign rows (a drifted batch);
#        examples/churn/make-data.sh DIR labelled [ROWS] writes customers.csv for the pipeline example.
# The generator is MakeData.java (seeded SplittableRandom: the same bytes on every machine), run by the JDK.
set -euo pipefail
exec java "$(dirname "${BASH_SOURCE[0]}")/MakeData.java" "$@"
