#!/usr/bin/env bash
# Build the worked examples into build/examples/ as Markdown and LaTeX snippets.
# Until `derive build` (YAML exercise sets -> handouts, issue 5) lands, this runs `derive solve`
# over the list in exercises/examples.tsv. Each file is written to a temp name, then renamed.
set -euo pipefail
cd "$(dirname "$0")/.."
DERIVE_SKIP_PDF=${DERIVE_SKIP_PDF:-1} bash scripts/setup.sh
out=build/examples
mkdir -p "$out"
count=0
while IFS=$'\t' read -r name expr wrt options; do
    case "$name" in ''|'#'*) continue ;; esac
    read -r -a extra <<< "$options"
    for fmt in md tex; do
        .venv/bin/derive solve "$expr" --wrt "$wrt" "${extra[@]}" --format "$fmt" > "$out/.$name.$fmt.tmp"
        mv "$out/.$name.$fmt.tmp" "$out/$name.$fmt"
    done
    count=$((count + 1))
done < exercises/examples.tsv
echo "built $count worked examples into $out/ (Markdown and LaTeX)"
