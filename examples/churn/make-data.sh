#!/usr/bin/env bash
# Generates the small churn dataset the docs use (docs/datasets.md), deterministically, into DIR (default ./churn).
# Usage: examples/churn/make-data.sh [DIR] [v2]   -- with "v2", appends the autumn-campaign rows (a drifted batch).
set -euo pipefail
dir="${1:-churn}"
mkdir -p "$dir/raw"
if [ "${2:-}" = v2 ]; then
  awk 'BEGIN{srand(3); for(i=1;i<=2000;i++){c=(rand()<0.8)?"monthly":"one_year";
    printf "%d,%d,%.2f,%s,%d\n", 6000+i, int(rand()*24), 60+rand()*80, c, (rand()<0.45)}}' >> "$dir/train.csv"
  rm -f "$dir/README.md"; echo "Churn sample v2" > "$dir/NOTES.md"
  exit 0
fi
awk 'BEGIN{srand(1); print "customer_id,tenure_months,monthly_charges,contract,churned";
  for(i=1;i<=5000;i++){c=(rand()<0.5)?"monthly":((rand()<0.5)?"one_year":"two_year");
  printf "%d,%d,%.2f,%s,%d\n", i, int(rand()*72), 20+rand()*100, c, (rand()<0.27)}}' > "$dir/train.csv"
awk 'BEGIN{srand(2); print "customer_id,tenure_months,monthly_charges,contract,churned";
  for(i=1;i<=1000;i++){c=(rand()<0.5)?"monthly":((rand()<0.5)?"one_year":"two_year");
  printf "%d,%d,%.2f,%s,%d\n", 5000+i, int(rand()*72), 20+rand()*100, c, (rand()<0.27)}}' > "$dir/test.csv"
echo "Churn sample, generated for the Cairn docs." > "$dir/README.md"
# A binary file that is not a table, seeded so every run writes the same bytes.
awk 'BEGIN{srand(4); for(i=0;i<3000000;i++) printf "%c", int(rand()*256)}' LC_ALL=C > "$dir/raw/events.bin"
echo "wrote $dir: train.csv, test.csv, README.md, raw/events.bin"
