#!/usr/bin/env bash
# Seeds the fuzz corpus with every example and diagnostic case of the repository.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/pipeline
for file in ../examples/*.seip ../tests/cases/*/*.seip; do
    cp "$file" "corpus/pipeline/$(basename "$(dirname "$file")")_$(basename "$file")"
done
echo "seeded $(ls corpus/pipeline | wc -l) files into fuzz/corpus/pipeline"
