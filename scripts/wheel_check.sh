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

# The integrations from the wheel with their extras: a tiny MkDocs site built strict, a tiny
# Sphinx project with MyST built with -W, and the IPython cell magic.
python3 -m venv "$work/venv-docs"
"$work/venv-docs/bin/python" -m pip install -qq \
    "$(ls "$work"/dist/derive_matrix-*.whl)[mkdocs,sphinx,jupyter]" myst-parser
"$work/venv/bin/python" -c "import mkdocs" 2>/dev/null && fail "the core install pulled in mkdocs"

mkdir -p "$work/site/docs"
cd "$work/site"
cat > mkdocs.yml <<'YML'
site_name: wheel check
plugins:
  - derive
YML
printf '# Page\n\n```derive\nexpr: x.T @ A @ x\nwrt: x\nshapes: {x: [n], A: [n, n]}\n```\n' \
    > docs/index.md
"$work/venv-docs/bin/mkdocs" build --strict -q -d out || fail "mkdocs build of a derive block"
grep -q 'boxed{(\\mathbf{A} + \\mathbf{A}^\\top) \\mathbf{x}}' out/index.html \
    || fail "the MkDocs page lacks the verified answer"
printf '```derive\nexpr: x.T @ y\nwrt: x\nshapes: {x: [n], y: [m]}\n```\n' > docs/bad.md
if "$work/venv-docs/bin/mkdocs" build --strict -q -d out > bad.txt 2>&1; then
    fail "a bad derive block did not fail mkdocs build"
fi
grep -q "docs/bad.md:2:11: error: cannot multiply" bad.txt || fail "mkdocs error: $(cat bad.txt)"

mkdir -p "$work/sphinx"
cd "$work/sphinx"
printf 'extensions = ["myst_parser", "derive.sphinx"]\nproject = "wheel check"\n' > conf.py
printf '# Page\n\n```{derive}\nexpr: x.T @ A @ x\nwrt: x\nshapes: {x: [n], A: [n, n]}\n```\n' \
    > index.md
"$work/venv-docs/bin/sphinx-build" -W -q -b html . out || fail "sphinx-build of a derive block"
grep -q 'boxed{(\\mathbf{A} + \\mathbf{A}^\\top) \\mathbf{x}}' out/index.html \
    || fail "the Sphinx page lacks the verified answer"

"$work/venv-docs/bin/python" - <<'PY'
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "derive")
shown = shell.run_cell_magic("derive", "--show answer", "expr: x.T @ x\nwrt: x\nshapes: {x: [n]}\n")
assert r"\boxed{2 \mathbf{x}}" in shown._repr_markdown_(), shown._repr_markdown_()
PY
echo "wheel check: MkDocs, Sphinx (MyST) and IPython integrations work from the wheel"
