"""The naming table: every rule of README "Names", in LaTeX and in Unicode, and where it applies
(formulas, prose and step titles, the chain's path)."""

from __future__ import annotations

import pytest

from derive import solve
from derive.render.context import title_names
from derive.render.mathtex import MathPrinter
from derive.render.names import name_to_latex, name_to_unicode
from derive.render.printer import ExprPrinter

# name, LaTeX, Unicode
NAMES = [
    ("x", "x", "x"),
    ("lam", r"\lambda", "λ"),
    ("lambda_", r"\lambda", "λ"),
    ("Lam", r"\Lambda", "Λ"),
    ("alpha", r"\alpha", "α"),
    ("beta", r"\beta", "β"),
    ("eta", r"\eta", "η"),
    ("theta", r"\theta", "θ"),
    ("mu", r"\mu", "μ"),
    ("sigma", r"\sigma", "σ"),
    ("Sigma", r"\Sigma", "Σ"),
    ("ell", r"\ell", "ℓ"),
    ("yhat", r"\hat{y}", "ŷ"),
    ("y_hat", r"\hat{y}", "ŷ"),
    ("Yhat", r"\hat{Y}", "Ŷ"),
    ("W_hat", r"\hat{W}", "Ŵ"),
    ("xbar", r"\bar{x}", "x̄"),
    ("x_tilde", r"\tilde{x}", "x̃"),
    ("W2", "W_{2}", "W₂"),
    ("W_2", "W_{2}", "W₂"),
    ("x_12", "x_{12}", "x₁₂"),
    ("sigma2", r"\sigma_{2}", "σ₂"),
    ("W_hat2", r"\hat{W}_{2}", "Ŵ₂"),
    ("yhat_1", r"\hat{y}_{1}", "ŷ₁"),
    ("mubar", r"\bar{\mu}", "μ̄"),
    ("x_i", "x_{i}", "x_i"),
    ("delta_yhat", r"\delta_{\hat{y}}", "δ_ŷ"),
    ("loss", r"\mathrm{loss}", "loss"),
    ("lamb", r"\mathrm{lamb}", "lamb"),
    ("what", r"\hat{w}", "ŵ"),
    ("my_var", r"\mathrm{my}_{\mathrm{var}}", "my_var"),
    ("_x", r"\mathrm{\_x}", "_x"),
]


@pytest.mark.parametrize(("name", "latex", "text"), NAMES, ids=[n for n, _, _ in NAMES])
def test_naming_table(name: str, latex: str, text: str) -> None:
    assert name_to_latex(name) == latex
    assert name_to_unicode(name) == text


def test_multi_letter_stem_with_an_accent_suffix_is_a_word() -> None:
    assert name_to_latex("loss_hat") == r"\mathrm{loss}_{\mathrm{hat}}"


def test_titles_name_only_the_exercises_symbols() -> None:
    printer = MathPrinter(ExprPrinter({"yhat": ("m", 1), "W2": ("m", "n"), "ell": (1, 1)}))
    text, latex = title_names("Local derivative of ell by yhat", printer)
    assert text == "Local derivative of ℓ by ŷ"
    assert latex == r"Local derivative of $\ell$ by $\hat{\mathbf{y}}$"
    assert title_names("Local derivative of lam by W", printer)[0] == (
        "Local derivative of lam by W")


def test_chain_path_and_titles_print_names_as_the_notes_write_them() -> None:
    solution = solve("ell", "W2", shapes={"W2": ["m", "n"], "a": ["n"], "y": ["m"]},
                     let=["yhat = sigmoid(W2 @ a)", "ell = sum((yhat - y)**2)"])
    text = solution.to_text()
    assert "depends on W₂ through named intermediates: W₂ → ŷ → ℓ → L." in text
    assert "Local derivative of ŷ by W₂" in text
    assert "yhat = sigmoid(W2 @ a)" in text  # formulas stay in the expression language
    markdown = solution.to_markdown()
    assert r"$\mathbf{W}_{2}$ → $\hat{\mathbf{y}}$ → $\ell$ → $L$" in markdown
    assert r"**Local derivative of $\hat{\mathbf{y}}$ by $\mathbf{W}_{2}$.**" in markdown
    for raw in (" yhat", "W2", " ell", "lam"):
        assert raw not in markdown


def test_output_named_ell_prints_as_script_l() -> None:
    solution = solve("lam * x.T @ x", "x", shapes={"x": ["n"]}, name="ell")
    assert r"\frac{\partial \ell}{\partial \mathbf{x}}" in solution.to_latex()
    assert r"\lambda" in solution.to_latex()
    assert "mathrm{lam}" not in solution.to_latex()
