"""How identifiers print: the one naming table for LaTeX and for Unicode text.

A name reads as a stem, an optional accent and an optional subscript: `lam` -> λ, `ell` -> ℓ,
`yhat`/`y_hat` -> ŷ, `W2`/`W_2` -> W₂, `sigma2` -> σ₂, `W_hat2` -> Ŵ₂, `x_i` -> x_i.
A stem is one letter, a Greek letter's name (or `lam`/`lambda_`, since `lambda` is a Python
keyword) or `ell`; any other multi-letter stem prints upright (\\mathrm{loss}). README, "Names".
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import Struct

_GREEK_LETTERS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
}
_ALIASES = {"lam": "lambda", "Lam": "Lambda"}
"""Spellings of a Greek letter that avoid the Python keyword."""

LETTERS: dict[str, tuple[str, str]] = {
    **{name: ("\\" + name, char) for name, char in _GREEK_LETTERS.items()},
    **{alias: ("\\" + name, _GREEK_LETTERS[name]) for alias, name in _ALIASES.items()},
    "ell": (r"\ell", "ℓ"),
}
"""Stem -> (LaTeX, Unicode) for every named letter."""

ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307"}
"""Accent suffix -> Unicode combining mark (the LaTeX command has the suffix's name)."""

_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_LETTER_STEM = "|".join(sorted(LETTERS, key=len, reverse=True))
_ACCENT = "|".join(ACCENTS)
_SUBSCRIPT = r"(?:_?(?P<digits>\d+)|_(?P<sub>[A-Za-z]\w*))?_?$"
_LETTER_NAME = re.compile(
    rf"^(?P<stem>{_LETTER_STEM}|[A-Za-z])(?:_?(?P<accent>{_ACCENT}))?" + _SUBSCRIPT
)
_WORD_NAME = re.compile(r"^(?P<stem>[A-Za-z]+?)(?P<accent>)" + _SUBSCRIPT)
"""A multi-letter stem that names no letter is a word: it takes no accent ('what' is ŵ, but
'loss_hat' is loss with subscript hat)."""


class NameParts(Struct, frozen=True):
    """A name split by the naming rules; `sub` is a digit string or another name."""

    stem: str
    accent: str | None
    sub: str | None


def split_name(name: str) -> NameParts | None:
    """Split a name into stem, accent and subscript; None when it follows no rule.

    Example:
        >>> split_name("y_hat")
        NameParts(stem='y', accent='hat', sub=None)
        >>> split_name("lambda_2")
        NameParts(stem='lambda', accent=None, sub='2')
    """
    match = _LETTER_NAME.match(name) or _WORD_NAME.match(name)
    if match is None:
        return None
    return NameParts(match.group("stem"), match.group("accent") or None,
                     match.group("digits") or match.group("sub"))


def name_to_latex(name: str) -> str:
    """The LaTeX for an identifier, by the naming rules.

    Example:
        >>> [name_to_latex(n) for n in ("lam", "W_2", "y_hat", "ell", "loss")]
        ['\\\\lambda', 'W_{2}', '\\\\hat{y}', '\\\\ell', '\\\\mathrm{loss}']
    """
    parts = split_name(name)
    if parts is None:
        return r"\mathrm{" + name.replace("_", r"\_") + "}"
    if parts.stem in LETTERS:
        body = LETTERS[parts.stem][0]
    elif len(parts.stem) == 1:
        body = parts.stem
    else:
        body = r"\mathrm{" + parts.stem + "}"
    if parts.accent:
        body = "\\" + parts.accent + "{" + body + "}"
    if parts.sub:
        # δ_yhat reads δ_ŷ: a name as subscript is rendered as a name.
        shown = parts.sub if parts.sub.isdigit() or len(parts.sub) == 1 else (
            name_to_latex(parts.sub))
        body += "_{" + shown + "}"
    return body


def name_to_unicode(name: str) -> str:
    """The Unicode text for an identifier, by the same rules, for prose and headings.

    Digit subscripts become subscript digits; a letter or name subscript keeps its underscore
    (Unicode has no full subscript alphabet).

    Example:
        >>> [name_to_unicode(n) for n in ("lam", "W2", "yhat", "Sigma", "x_i", "loss")]
        ['λ', 'W₂', 'ŷ', 'Σ', 'x_i', 'loss']
    """
    parts = split_name(name)
    if parts is None:
        return name
    body = LETTERS[parts.stem][1] if parts.stem in LETTERS else parts.stem
    if parts.accent:
        body = unicodedata.normalize("NFC", body + ACCENTS[parts.accent])
    if parts.sub and parts.sub.isdigit():
        body += parts.sub.translate(_SUBSCRIPT_DIGITS)
    elif parts.sub:
        body += "_" + name_to_unicode(parts.sub)
    return body
