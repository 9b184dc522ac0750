"""The textbook rule table: named identities on IR nodes, each tried at every node, cheapest
form kept (see `derive.engine.rules.context` for how rules are applied and why that ends)."""

from __future__ import annotations

from derive.engine.rules import arithmetic, diagonal, functions, matrices
from derive.engine.rules.context import Rule, RuleContext, rewrite

RULES: tuple[Rule, ...] = (
    Rule("cancel", "M⁻¹ M = M M⁻¹ = I, also transposed, and I drops from products",
         matrices.cancel),
    Rule("collect-sum", "A + A = 2A, aA + bA = (a + b)A, and common factors come out",
         arithmetic.collect_sum),
    Rule("negated-difference", "-(L (a - b) R) = L (b - a) R", arithmetic.negated_difference),
    Rule("numbers", "numeric factors multiply together in front: 2 (2 M) = 4 M; 1² = 1",
         arithmetic.numbers),
    Rule("function-forms", "e^z (1 + e^z)⁻¹ = σ(z), log(1 + e^z) = softplus(z), "
         "log Σ e^z = logsumexp(z), e^z (Σ e^z)⁻¹ = softmax(z)", functions.function_forms),
    Rule("inverse-functions", "exp(log a) = a, log(exp a) = a, exp(log det X) = det X",
         functions.inverse_functions),
    Rule("fraction", "c · a · b⁻¹ = c a / b, entrywise; equal factors cancel; ‖c A‖ = |c| ‖A‖",
         arithmetic.fraction),
    Rule("diagonal", "tr diag v = Σ v, ‖diag v‖ = ‖v‖, diag((A ⊙ I) 1) = A ⊙ I (also for "
         "sums and products of such diagonals), "
         "diag(v) w = v ⊙ w, diag(u) M diag(v) = (u vᵀ) ⊙ M", diagonal.diagonal_forms),
    Rule("diagonal-entries", "(A ⊙ I) 1 = diagonal of A (diag v -> v, u vᵀ -> u ⊙ v, "
         "f(A) -> f(diagonal)), D ⊙ I = D for diagonal D, I^k = I, v ⊙ 1 = v",
         diagonal.masked_diagonal),
    Rule("reciprocal-sum", "uᵀ (w / u) = Σ w", matrices.reciprocal_sum),
    Rule("inverse-of-product", "(A X B)⁻¹ = B⁻¹ X⁻¹ A⁻¹ for square factors",
         matrices.inverse_of_product),
    Rule("common-factor", "f ⊙ a ± f ⊙ b = f ⊙ (a ± b), A a ± A b = A (a ± b), "
         "a B ± b B = (a ± b) B", arithmetic.common_factor),
    Rule("sigmoid-mirror", "σ(-z) = 1 - σ(z), when a sum then collapses",
         functions.sigmoid_mirror),
    Rule("expand", "entrywise products multiplied out when like terms then cancel",
         arithmetic.expand),
    Rule("cancel-into", "p ⊙ (a / p ± b) = a ± p ⊙ b", arithmetic.cancel_into),
    Rule("distribute", "(A ± B) w = A w ± B w, when the pieces simplify", matrices.distribute),
)
"""Every rule of the textbook pass, tried in this order at each node."""


__all__ = ["RULES", "Rule", "RuleContext", "rewrite"]
