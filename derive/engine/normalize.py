"""Normal forms of matrix expressions: transposes pushed down, unit factors dropped, scalars in
front, inverse pairs cancelled, equal Hadamard factors merged into powers.

`Rewriter` knows the symbols' shapes and which of them are assumed symmetric; the textbook pass
(`textbook.py`) and its rule table (`rules.py`) build on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from msgspec.structs import replace

from derive.engine.symmetry import is_symmetric
from derive.expr.nodes import (
    Add,
    Call,
    Dim,
    Div,
    Expr,
    Identity,
    MatMul,
    Mul,
    Neg,
    Number,
    Pow,
    Sub,
    Symbol,
    Transpose,
    children,
    ones_of_shape,
)
from derive.expr.shapes import Shape, ShapeMemo, infer_shape, is_scalar

ONE = Number(Fraction(1))


class Rewriter:
    """Normal forms that need the symbols' shapes and which symbols are symmetric."""

    def __init__(self, shapes: Mapping[str, Shape], symmetric: frozenset[str]) -> None:
        self.shapes = shapes
        self.symmetric = symmetric
        self.memo: ShapeMemo = {}
        self.transpose_counts: dict[int, tuple[Expr, int]] = {}

    def transposes(self, expr: Expr) -> int:
        """How many transposes `expr` prints with."""
        return _transposes(expr, self.transpose_counts)

    def scalar(self, expr: Expr) -> bool:
        return is_scalar(infer_shape(expr, self.shapes, memo=self.memo))

    def is_symmetric(self, expr: Expr) -> bool:
        """Whether `expr` equals its transpose (see `derive.engine.symmetry`)."""
        return is_symmetric(expr, self.shape, self.transpose, self.symmetric)

    def broadcast(self, expr: Expr, shape: Shape) -> Expr:
        """`expr` with `shape`: a scalar that a sum cancelled down to ((1 - σ) + σ = 1) times
        the ones of that shape."""
        ones = ones_of_shape(*shape)
        return expr if ones is None or not self.scalar(expr) else self.mul(expr, ones)

    def shape(self, expr: Expr) -> Shape:
        return infer_shape(expr, self.shapes, memo=self.memo)

    def normalize(self, expr: Expr) -> Expr:
        """Push transposes down and drop unit factors, bottom-up."""
        match expr:
            case Transpose(operand=operand):
                return self.transpose(self.normalize(operand))
            case MatMul(left=left, right=right):
                return self.scalar_product(self.matmul(self.normalize(left), self.normalize(right)))
            case Mul(left=left, right=right):
                return self.mul(self.normalize(left), self.normalize(right))
            case Add(left=left, right=right):
                return Add(self.normalize(left), self.normalize(right))
            case Sub(left=left, right=right):
                return Sub(self.normalize(left), self.normalize(right))
            case Neg(operand=operand):
                return Neg(self.normalize(operand))
            case Div(left=left, right=right):
                return Div(self.normalize(left), self.normalize(right))
            case Pow(base=base, exponent=exponent):
                return self.power(self.normalize(base), exponent)
            case Call(func="inv", args=(Call(func="inv", args=(inner,)),)):
                return self.normalize(inner)  # (M⁻¹)⁻¹ = M
            case Call(args=args):
                return replace(expr, args=tuple(self.normalize(a) for a in args))
        return expr

    def scalar_product(self, product: Expr) -> Expr:
        """A scalar equals its transpose: keep whichever of the two has fewer transposes."""
        if not (self.scalar(product) and isinstance(product, MatMul)):
            return product
        flipped = self.matmul(self.transpose(product.right), self.transpose(product.left))
        return flipped if self.transposes(flipped) < self.transposes(product) else product

    def power(self, base: Expr, exponent: Expr) -> Expr:
        """sum(v ** 2) ** e is ‖v‖^(2e) (so x / ‖x‖ reads as a textbook prints it); x^1 is x."""
        match base, exponent:
            case Call(func="sum", args=(Pow(base=inner, exponent=Number(value=two)),)), Number(
                value=value
            ) if two == 2:
                combined = 2 * value
                norm = Call("norm", (inner,))
                return norm if combined == 1 else Pow(norm, Number(combined))
        if exponent == ONE:
            return base
        return Pow(base, exponent)

    def transpose(self, expr: Expr) -> Expr:
        """The transpose of a normalized expression, itself normalized."""
        if self.scalar(expr) or self.is_symmetric(expr):
            return expr
        match expr:
            case Symbol(name=name):
                return expr if name in self.symmetric else Transpose(expr)
            case Transpose(operand=operand):
                return operand
            case MatMul(left=left, right=right):
                return self.matmul(self.transpose(right), self.transpose(left))
            case Neg(operand=operand):
                return Neg(self.transpose(operand))
            case Mul(left=left, right=right) if self.scalar(left):
                return self.mul(left, self.transpose(right))
            case Div(left=left, right=right):
                return Div(self.transpose(left),
                           right if self.scalar(right) else self.transpose(right))
            case Identity():
                return expr
            case Call(func="diag"):
                return expr
            case Call(func="inv", args=(Symbol(name=name),)) if name in self.symmetric:
                return expr
            case Mul(left=left, right=right) | Add(left=left, right=right) | Sub(
                left=left, right=right
            ):
                # (Aᵀ ⊙ Bᵀ)ᵀ = A ⊙ B, but (σ - t)ᵀ stays: push in only when it saves transposes.
                pushed = _rebuild(expr, self.transpose(left), self.transpose(right), self)
                kept = Transpose(expr)
                return pushed if self.transposes(pushed) < self.transposes(kept) else kept
        return Transpose(expr)

    def matmul(self, left: Expr, right: Expr) -> Expr:
        if isinstance(left, Identity):
            return right
        if isinstance(right, Identity):
            return left
        last = left.right if isinstance(left, MatMul) else left
        if _inverse_pair(last, right):
            # M⁻¹ M = I (and M⁻ᵀ Mᵀ = I): the pair cancels.
            return left.left if isinstance(left, MatMul) else Identity(self.size(right))
        # Scalars commute with everything: float them to the front of the product.
        if isinstance(right, Mul) and self.scalar(right.left) and not self.scalar(right.right):
            return self.mul(right.left, self.matmul(left, right.right))
        if isinstance(left, Mul) and self.scalar(left.left) and not self.scalar(left.right):
            return self.mul(left.left, self.matmul(left.right, right))
        if isinstance(right, MatMul):
            # Keep products left-associated so chains print without inner parentheses.
            return self.matmul(self.matmul(left, right.left), right.right)
        return MatMul(left, right)

    def size(self, expr: Expr) -> Dim:
        return infer_shape(expr, self.shapes, memo=self.memo)[0]

    def mul(self, left: Expr, right: Expr) -> Expr:
        if left == ONE:
            return right
        if right == ONE:
            return left
        if self.scalar(right) and not self.scalar(left):
            return Mul(right, left)
        if not self.scalar(left) or (self.scalar(right) and hadamard_factors(left)[-1] ==
                                     hadamard_factors(right)[0]):
            return self.hadamard(left, right)  # also q · q = q²
        return Mul(left, right)

    def hadamard(self, left: Expr, right: Expr) -> Expr:
        """Merge equal factors of a Hadamard product into powers: σ^-1 ⊙ σ ⊙ u = u."""
        factors: dict[Expr, tuple[Expr, Fraction]] = {}
        for factor in hadamard_factors(left) + hadamard_factors(right):
            base, exponent = factor, Fraction(1)
            if isinstance(factor, Pow) and isinstance(factor.exponent, Number):
                base, exponent = factor.base, factor.exponent.value
            total = factors[base][1] + exponent if base in factors else exponent
            factors[base] = (base, total)
        kept = [b if e == 1 else Pow(b, Number(e)) for b, e in factors.values() if e != 0]
        kept.sort(key=lambda f: isinstance(f, MatMul))  # x ⊙ (A y), as textbooks write it
        if not kept:
            return Mul(left, right)  # everything cancelled: keep the shape-carrying form
        result = kept[0]
        for factor in kept[1:]:
            result = Mul(result, factor)
        return result


def hadamard_factors(expr: Expr) -> list[Expr]:
    if isinstance(expr, Mul):
        return hadamard_factors(expr.left) + hadamard_factors(expr.right)
    return [expr]


def _rebuild(expr: Expr, left: Expr, right: Expr, rewriter: Rewriter) -> Expr:
    if isinstance(expr, Mul):
        return rewriter.mul(left, right)
    return Add(left, right) if isinstance(expr, Add) else Sub(left, right)


def _transposes(expr: Expr, memo: dict[int, tuple[Expr, int]]) -> int:
    known = memo.get(id(expr))
    if known is not None:
        return known[1]
    own = 1 if isinstance(expr, Transpose) else 0
    count = own + sum(_transposes(child, memo) for child in children(expr))
    memo[id(expr)] = (expr, count)
    return count


def _inverse_pair(left: Expr, right: Expr) -> bool:
    """Whether left @ right is M⁻¹ M, M M⁻¹, or one of those transposed."""
    match left, right:
        case Call(func="inv", args=(inner,)), _ if inner == right:
            return True
        case _, Call(func="inv", args=(inner,)) if inner == left:
            return True
        case Transpose(operand=Call(func="inv", args=(inner,))), Transpose(operand=other):
            return inner == other
        case Transpose(operand=other), Transpose(operand=Call(func="inv", args=(inner,))):
            return inner == other
    return False
