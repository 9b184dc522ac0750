#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the repository, and use it
# from another folder, as a user who runs `pip install derive-matrix` would. An editable install
# hides files missing from the wheel (templates, the JSON Schema); this does not.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/derive-wheel-check-XXXXXX")
trap 'rm -rf "$work"' EXIT

# Build from a copy of the tracked and new files, so setuptools' build/ never lands in the
# checkout's build/ (the handouts' output folder).
mkdir "$work/src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/src")
"$repo/.venv/bin/python" -m pip wheel -qq --no-deps --wheel-dir "$work/dist" "$work/src"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -qq "$work"/dist/derive_matrix-*.whl

mkdir "$work/elsewhere"
cd "$work/elsewhere"
derive="$work/venv/bin/derive"
fail() { echo "wheel check: $*" >&2; exit 1; }

shapes=(--shape x=n --shape A=n,n)
"$derive" solve "x.T @ A @ x" --wrt x "${shapes[@]}" > solve.txt
grep -q "answer: (A + A.T) @ x" solve.txt || fail "text solution lacks the answer"
"$derive" solve "x.T @ A @ x" --wrt x "${shapes[@]}" --format md > solve.md
grep -q '\$\$' solve.md || fail "Markdown solution has no display math"
"$derive" solve "x.T @ A @ x" --wrt x "${shapes[@]}" --format tex > solve.tex
grep -q 'boxed\|deriveanswer' solve.tex || fail "LaTeX solution has no boxed answer"
echo "x.T @ x" | "$derive" solve - --wrt x --shape x=n | grep -q "answer: 2 \* x" \
    || fail "solve - does not read the expression from standard input"
"$derive" solve "x.T @ A @ x" --wrt x "${shapes[@]}" --format numpy > quadratic.py
"$work/venv/bin/python" -c "
import numpy as np, quadratic
A, x = np.array([[1.0, 2.0], [-0.5, 3.0]]), np.array([0.3, -1.2])
assert np.allclose(quadratic.derivative(A=A, x=x), (A + A.T) @ x)
assert quadratic.check(A=A, x=x) < 1e-8" || fail "the exported numpy module does not run"

cp "$repo/exercises/matrix-calculus.yaml" .
"$derive" check matrix-calculus.yaml > check.txt || fail "derive check failed: $(tail -1 check.txt)"
"$derive" build matrix-calculus.yaml --format md --out out --quiet
"$derive" build matrix-calculus.yaml --format numpy --out code --quiet
test -s code/matrix-calculus/matrix-calculus.py || fail "build --format numpy wrote no module"
test -s out/matrix-calculus/matrix-calculus-solutions.md || fail "build wrote no solution key"
"$derive" schema | "$work/venv/bin/python" -c "import json, sys; json.load(sys.stdin)" \
    || fail "derive schema does not print the JSON Schema"

"$work/venv/bin/python" - <<'PY'
import derive

solution = derive.solve("x.T @ A @ x", "x", shapes={"x": ["n"], "A": ["n", "n"]})
markdown = solution._repr_markdown_()
assert "$" in markdown and "(A + A.T) @ x" in solution.result, markdown[:200]
assert derive.__file__ and "/src/" not in derive.__file__, derive.__file__
PY
echo "wheel check: the installed wheel solves, checks and builds from another folder"
