r"""Typed formulas: read, evaluate and check them, by the same rules as the browser.

A student types a formula such as ``h2*f3*(1-f3)*w3*(f3-y)``; it is right when it agrees
with the answer formula $a$ at :data:`POINTS` random points $p_1, \dots, p_N$ (drawn with
:func:`sample_points`): every point where both are finite satisfies
$|x(p_k) - a(p_k)| \le \text{atol} + \text{rtol}\,|a(p_k)|$.

One grammar (``formula.lark``), two parsers: here `lark` (LALR), in the browser the parser
lark-js generated from the same file (``backprop/widgets/js/formula_parser.js``), driven by
``backprop/widgets/js/formula.js``, which repeats this module rule for rule;
``tests/exercises/formula_cases.json`` holds inputs, trees, verdicts and messages both must
give. Both sides first cut the text into tokens with the same hand-written scanner (so both
report an unreadable character at the same place), check the brackets, resolve the names,
and hand the grammar a canonical text: ``2ω₃·σ′(z)²`` becomes ``2 $0 * sigma' ( $1 ) @2``.

The reading rules: numbers ``2``, ``0.5``, ``.5``, ``1e-3``; variables by name or alias
(``ω₃`` is ``ω3``: subscript digits read as digits); ``+ - * / ^ **`` and ``· × ÷ −``,
``²`` ``³``; brackets ``( )`` and ``[ ]``; functions :data:`FUNCTIONS` with brackets
(``σ(z)``, ``sigma'(z)``, ``σ′(z)``); constants ``pi`` / ``π`` and ``e`` (a variable named
``e`` shadows the constant). ``^`` is right-associative and binds tighter than a sign
(``-x^2`` is $-(x^2)$); an implicit product (``2x``, ``x y``, ``2(x + 1)``, ``(a)(b)``) has
the same precedence as ``*`` and ``/``, left to right, so ``2/3x`` is $\tfrac{2}{3}x$ (the
live preview under the box shows how a formula was read).

A formula is a plain JSON tree, the same on both sides: ``["num", 2.0]``, ``["var", "w3"]``,
``["const", "pi"]``, ``["neg", t]``, ``["add" | "sub" | "mul" | "div" | "pow", a, b]``,
``["call", "sigma", t]``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np

from .answers import _WS, MAX_CHARS, Feedback

#: How many random points a formula is compared at.
POINTS = 20
#: The seed of the random points (mulberry32, the same draws in JavaScript).
SEED = 20261130
#: Fewer usable points than this (both formulas finite) make the check invalid.
MIN_POINTS = 5
#: Brackets nested deeper than this are refused.
MAX_NESTING = 50
#: Trees deeper than this are refused (long chains of signs or powers).
MAX_DEPTH = 200
#: The functions, by canonical name: $\sigma' = \sigma(1-\sigma)$, $\tanh' = 1 - \tanh^2$,
#: $\mathrm{relu}'(z) = [z > 0]$ (so $\mathrm{relu}'(0) = 0$).
FUNCTIONS = (
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "sqrt",
    "abs",
    "sigma",
    "relu",
    "tanh",
    "sigma'",
    "tanh'",
    "relu'",
)
#: Other spellings of the functions.
FUNCTION_ALIASES = {
    "σ": "sigma",
    "σ'": "sigma'",
    "ln": "log",
    "ReLU": "relu",
    "ReLU'": "relu'",
}
#: The constants, by spelling.
CONSTANTS = {"pi": "pi", "π": "pi", "e": "e"}

_GRAMMAR = Path(__file__).with_name("formula.lark")
_SPACES = frozenset(
    "".join(chr(c) for c in range(0x2000, 0x200B)) + _WS.replace("\u2000-\u200a", "")
)
_SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)}
_OPERATORS = {
    "+": "+",
    "-": "-",
    "\u2212": "-",
    "*": "*",
    "\u00b7": "*",
    "\u22c5": "*",
    "\u00d7": "*",
    "/": "/",
    "\u00f7": "/",
    "^": "^",
    "(": "(",
    ")": ")",
    "[": "(",
    "]": ")",
    "\u00b2": "@2",
    "\u00b3": "@3",
}
_OPEN = {"(": ")", "[": "]"}
_CLOSE = {")": "(", "]": "["}
_PRIMES = ("'", "\u2032")
_SHOW = 20
_GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ϵ",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "ϕ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
}
_SUB = str.maketrans("0123456789()+-", "₀₁₂₃₄₅₆₇₈₉₍₎₊₋")
_SUP = str.maketrans("0123456789()+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻")


def _plain(latex: str, name: str) -> str:
    r"""``latex`` in plain unicode (``\omega_3`` -> ``ω₃``), or ``name`` if it will not go."""
    out, i = [], 0
    while i < len(latex):
        c = latex[i]
        if c == "\\":
            j = i + 1
            while j < len(latex) and latex[j].isascii() and latex[j].isalpha():
                j += 1
            if latex[i + 1 : j] not in _GREEK:
                return name
            out.append(_GREEK[latex[i + 1 : j]])
            i = j
        elif c in "_^":
            if latex[i + 1 : i + 2] == "{":
                j = latex.find("}", i)
                if j < 0:
                    return name
                body = latex[i + 2 : j]
            else:
                j = i + 1
                body = latex[j : j + 1]
            table = _SUB if c == "_" else _SUP
            if (
                not body
                or body.translate(table) == body
                or any(ch not in "0123456789()+-" for ch in body)
            ):
                return name
            out.append(body.translate(table))
            i = j + 1
        elif c.isalnum() or c == "'":
            out.append(c)
            i += 1
        elif c in " {}":
            i += 1
        else:
            return name
    return "".join(out) or name


@dataclass(frozen=True)
class Variable:
    r"""A variable of a formula question: ``name`` as typed (``"w3"``), ``latex`` as the
    book writes it (``r"\omega_3"``), other accepted spellings, and the range
    $[\text{lo}, \text{hi}]$ its random values are drawn from."""

    name: str
    latex: str
    aliases: tuple[str, ...] = ()
    lo: float = 0.5
    hi: float = 2.0
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _plain(self.latex, self.name))

    def shown(self) -> str:
        """How messages name the variable: ``ω₃ (w3)``, or ``y`` when both spellings agree."""
        return self.name if self.text == self.name else f"{self.text} ({self.name})"

    def mathml(self) -> str:
        """The inner MathML of ``latex`` (an ``<mi>`` or ``<msub>``), made by latex2mathml."""
        from latex2mathml.converter import convert

        out = convert(self.latex)
        start = out.index(">", out.index("<mrow")) + 1
        return out[start : out.rindex("</mrow>")]

    def to_json(self) -> dict[str, Any]:
        """The variable for the browser's formula.js (``text``: its plain unicode form)."""
        return {
            "name": self.name,
            "latex": self.latex,
            "aliases": list(self.aliases),
            "lo": float(self.lo),
            "hi": float(self.hi),
            "mathml": self.mathml(),
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Variable:
        """The variable :meth:`to_json` wrote (a widget's saved state holds them)."""
        return cls(
            str(data["name"]),
            str(data["latex"]),
            tuple(data.get("aliases", ())),
            float(data.get("lo", 0.5)),
            float(data.get("hi", 2.0)),
        )


@dataclass(frozen=True)
class ParsedFormula:
    """A read formula: its ``tree`` (plain lists, see the module docstring) or an ``error``."""

    tree: Any = None
    error: str | None = None


class _Error(Exception):
    pass


def _show(chars: str) -> str:
    return chars if len(chars) <= _SHOW else chars[:_SHOW] + "…"


def _unreadable(text: str, start: int) -> str:
    rest = text[start:]
    end = len(rest)
    while end > 0 and rest[end - 1] in _SPACES:
        end -= 1
    return f'I could not read the formula from "{_show(rest[:end])}" on (character {start + 1}).'


def _normal(name: str) -> str:
    return "".join(_SUBSCRIPTS.get(c, c) for c in name).replace("\u2032", "'")


def _is_letter(c: str) -> bool:
    o = ord(c)
    return (
        ("a" <= c <= "z")
        or ("A" <= c <= "Z")
        or (0x391 <= o <= 0x3A9 and o != 0x3A2)
        or 0x3B1 <= o <= 0x3C9
        or o in (0x3D1, 0x3D5, 0x3F5)
    )


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) for each token: kind "num", "name" or "op" (canonical text)."""
    out: list[tuple[str, str, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _SPACES:
            i += 1
        elif _is_digit(c) or (c == "." and i + 1 < n and _is_digit(text[i + 1])):
            j = i
            while j < n and _is_digit(text[j]):
                j += 1
            if j < n and text[j] == ".":
                j += 1
                while j < n and _is_digit(text[j]):
                    j += 1
            if j < n and text[j] in "eE":
                k = j + 1
                if k < n and text[k] in "+-":
                    k += 1
                if k < n and _is_digit(text[k]):
                    while k < n and _is_digit(text[k]):
                        k += 1
                    j = k
            out.append(("num", text[i:j], i, j))
            i = j
        elif _is_letter(c):
            j = i + 1
            while j < n and (
                _is_letter(text[j])
                or _is_digit(text[j])
                or text[j] == "_"
                or text[j] in _SUBSCRIPTS
            ):
                j += 1
            if j < n and text[j] in _PRIMES:
                j += 1
            out.append(("name", text[i:j], i, j))
            i = j
        elif c == "*" and text[i + 1 : i + 2] == "*":
            out.append(("op", "^", i, i + 2))
            i += 2
        elif c in _OPERATORS:
            out.append(("op", _OPERATORS[c], i, i + 1))
            i += 1
        else:
            raise _Error(_unreadable(text, i))
    return out


def _brackets(text: str) -> None:
    stack: list[str] = []
    for c in text:
        if c in _OPEN:
            stack.append(c)
            if len(stack) > MAX_NESTING:
                raise _Error(
                    f"The formula is nested too deeply: at most {MAX_NESTING} brackets "
                    "inside each other."
                )
        elif c in _CLOSE:
            if not stack or stack[-1] != _CLOSE[c]:
                raise _Error(f"There is a {c} with no {_CLOSE[c]} before it.")
            stack.pop()
    if stack:
        raise _Error(f"A {stack[-1]} is never closed.")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _unknown(typed: str, variables: Sequence[Variable]) -> str:
    if not variables:
        where = "this question has no variables"
    elif len(variables) == 1:
        where = f"the only variable is {variables[0].shown()}"
    else:
        where = "the variables are " + _and([v.shown() for v in variables])
    return f"There is no `{typed}` in this question; {where}."


def _canonical(text: str, variables: Sequence[Variable]) -> tuple[str, list[int]]:
    """The canonical text the grammar reads, and where each of its tokens starts in ``text``."""
    names: dict[str, int] = {}
    for index, v in enumerate(variables):
        for spelling in (v.name, *v.aliases):
            names.setdefault(_normal(spelling), index)
    toks = _tokens(text)
    pieces: list[str] = []
    starts: list[int] = []
    for k, (kind, tok, start, end) in enumerate(toks):
        # "(" right after a name, no space between: a call.
        call = k + 1 < len(toks) and toks[k + 1][1] == "(" and toks[k + 1][2] == end
        if kind == "name":
            key = _normal(tok)
            if key in names:
                if call:
                    raise _Error(
                        f"`{tok}` is a variable, not a function: write {tok}*(…) to multiply."
                    )
                tok = f"${names[key]}"
            elif key in FUNCTIONS or key in FUNCTION_ALIASES:
                if not (k + 1 < len(toks) and toks[k + 1][1] == "("):
                    raise _Error(
                        f"`{tok}` is a function: write its argument in brackets, {tok}(…)."
                    )
                tok = FUNCTION_ALIASES.get(key, key)
            elif key in CONSTANTS:
                tok = "#" + CONSTANTS[key]
            else:
                raise _Error(_unknown(tok, variables))
        pieces.append(tok)
        starts.append(start)
    return " ".join(pieces), starts


@functools.cache
def _parser() -> Any:
    from lark import Lark

    return Lark(_GRAMMAR.read_text(encoding="utf-8"), parser="lalr")


def _tree(node: Any, variables: Sequence[Variable], depth: int = 0) -> list[Any]:
    from lark import Token

    if depth > MAX_DEPTH:
        raise _Error("The formula is nested too deeply to read.")
    kind = node.data
    kids = node.children
    if kind == "num":
        return ["num", float(kids[0])]
    if kind == "var":
        return ["var", variables[int(kids[0][1:])].name]
    if kind == "const":
        return ["const", str(kids[0])[1:]]
    if kind == "call":
        return ["call", str(kids[0]), _tree(kids[1], variables, depth + 1)]
    if kind in ("square", "cube"):
        power = 2.0 if kind == "square" else 3.0
        return ["pow", _tree(kids[0], variables, depth + 1), ["num", power]]
    out: list[Any] = [kind]
    out.extend(_tree(k, variables, depth + 1) for k in kids if not isinstance(k, Token))
    return out


def parse_formula(text: Any, variables: Sequence[Variable]) -> ParsedFormula:
    """Read a typed formula over ``variables``; never raises (a bad one gets an ``error``)."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    s = "" if text is None else str(text)
    if all(c in _SPACES for c in s):
        return ParsedFormula(error="Type a formula first.")
    if len(s) > MAX_CHARS:
        return ParsedFormula(error=f"That is too long: type at most {MAX_CHARS} characters.")
    try:
        _brackets(s)
        canonical, starts = _canonical(s, variables)
        offsets = {}
        pos = 0
        for piece, start in zip(canonical.split(" "), starts, strict=True):
            offsets[pos] = start
            pos += len(piece) + 1
        try:
            tree = _parser().parse(canonical)
        except UnexpectedToken as e:
            if e.token.type == "$END":
                raise _Error(_END) from None
            raise _Error(_unreadable(s, offsets[e.token.start_pos])) from None
        except UnexpectedEOF:
            raise _Error(_END) from None
        except UnexpectedCharacters as e:  # cannot happen: the scanner made every token
            raise _Error(_unreadable(s, offsets.get(e.pos_in_stream, 0))) from None
        return ParsedFormula(tree=_tree(tree, variables))
    except _Error as e:
        return ParsedFormula(error=str(e))


_END = "The formula stops too early: something is missing at its end."


# ---- evaluation -----------------------------------------------------------------------


def _sigma(z: np.float64) -> np.float64:
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z: np.float64) -> np.float64:
    return z if (z > 0 or z != z) else np.float64(0.0)


def _relu_prime(z: np.float64) -> np.float64:
    return z if z != z else np.float64(1.0 if z > 0 else 0.0)


_CALLS = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sigma": _sigma,
    "relu": _relu,
    "sigma'": lambda z: _sigma(z) * (1.0 - _sigma(z)),
    "tanh'": lambda z: 1.0 - np.tanh(z) * np.tanh(z),
    "relu'": _relu_prime,
}


def _pow(a: np.float64, b: np.float64) -> np.float64:
    # JavaScript's Math.pow and C's pow differ only here: make both NaN.
    if a != a or b != b or (abs(a) == 1 and not math.isfinite(b)):
        return np.float64(np.nan)
    return np.power(a, b)


def _eval(t: list[Any], values: Mapping[str, float]) -> np.float64:
    kind = t[0]
    if kind == "num":
        return np.float64(t[1])
    if kind == "var":
        return np.float64(values[t[1]])
    if kind == "const":
        return np.float64(math.pi if t[1] == "pi" else math.e)
    if kind == "neg":
        return -_eval(t[1], values)
    if kind == "call":
        return np.float64(_CALLS[t[1]](_eval(t[2], values)))
    a, b = _eval(t[1], values), _eval(t[2], values)
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        return a / b
    return _pow(a, b)


def evaluate(tree: Any, values: Mapping[str, float]) -> float:
    """The value of a formula's tree at ``values`` (variable name -> number), in float64:
    nan or inf where it is undefined (1/0, log(-1)); never raises for a parsed tree."""
    with np.errstate(all="ignore"):
        return float(_eval(tree, values))


# ---- points and the check -------------------------------------------------------------

_MASK = 0xFFFFFFFF


def uniforms(seed: int, n: int) -> list[float]:
    """``n`` draws of mulberry32 seeded with ``seed``: uniform on [0, 1), multiples of 2^-32
    (the same 32-bit integer steps as ``backprop.widgets.depth.uniforms`` and formula.js)."""
    a = int(seed) & _MASK
    out = []
    for _ in range(n):
        a = (a + 0x6D2B79F5) & _MASK
        t = ((a ^ (a >> 15)) * (1 | a)) & _MASK
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & _MASK)) & _MASK) ^ t
        out.append(((t ^ (t >> 14)) & _MASK) / 4294967296)
    return out


def sample_points(
    variables: Sequence[Variable], n: int = POINTS, seed: int = SEED
) -> list[dict[str, float]]:
    r"""``n`` random points: variable $v$ gets $\text{lo} + (\text{hi} - \text{lo})\,u$,
    the draws $u$ of mulberry32 taken point by point, variables in the given order."""
    u = uniforms(seed, n * len(variables))
    m = len(variables)
    return [
        {v.name: v.lo + (v.hi - v.lo) * u[k * m + j] for j, v in enumerate(variables)}
        for k in range(n)
    ]


def format_factor(c: float) -> str:
    """``c`` with at most 4 significant digits (halves rounded away from zero), as formula.js
    writes it: ``2``, ``0.5``, ``-0.3333``, ``1.235e4``, ``1e-7``."""
    if c == 0 or not math.isfinite(c):
        return "0" if c == 0 else str(c)
    d = Decimal(abs(c))
    e = d.adjusted()
    q = d.quantize(Decimal(1).scaleb(e - 3), rounding=ROUND_HALF_UP)
    if q.adjusted() > e:
        e += 1
        q = q.quantize(Decimal(1).scaleb(e - 3), rounding=ROUND_HALF_UP)
    digits = str(q.scaleb(3 - e).to_integral_value())  # 4 digits
    if e < -6 or e >= 4:
        mant = (digits[0] + "." + digits[1:]).rstrip("0").rstrip(".")
        body = f"{mant}e{e}"
    elif e >= 0:
        body = (digits[: e + 1] + "." + digits[e + 1 :]).rstrip("0").rstrip(".")
    else:
        body = ("0." + "0" * (-e - 1) + digits).rstrip("0")
    return ("-" if c < 0 else "") + body


def _close(x: float, a: float, rtol: float, atol: float) -> bool:
    return abs(x - a) <= atol + rtol * abs(a)


def check_formula(
    text: Any,
    answer: str,
    variables: Sequence[Variable],
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> Feedback:
    r"""The verdict on a typed formula $x$ against the formula ``answer`` $a$: correct when
    $|x(p) - a(p)| \le \text{atol} + \text{rtol}\,|a(p)|$ at every sample point $p$ where
    both are finite (at least :data:`MIN_POINTS` of the :data:`POINTS`); a formula that is
    $c\,a$ for one constant $c$ is told so. Raises ``ValueError`` only for a bad ``answer``."""
    target = parse_formula(answer, variables)
    if target.tree is None:
        raise ValueError(f"the answer formula {answer!r} does not read: {target.error}")
    attempt = parse_formula(text, variables)
    if attempt.tree is None:
        return Feedback(False, str(attempt.error), "invalid")
    pairs = []
    for p in sample_points(variables):
        x, a = evaluate(attempt.tree, p), evaluate(target.tree, p)
        if math.isfinite(x) and math.isfinite(a):
            pairs.append((x, a))
    if len(pairs) < MIN_POINTS:
        return Feedback(False, UNDEFINED, "invalid")
    if all(_close(x, a, rtol, atol) for x, a in pairs):
        return Feedback(True, "Correct!", "correct")
    first = next(((x, a) for x, a in pairs if abs(a) > 1e-9), None)
    if first is not None:
        c = first[0] / first[1]
        shown = format_factor(c)
        if abs(c) > 1e-9 and all(_close(x, c * a, rtol, atol) for x, a in pairs):
            if _close(c, -1.0, rtol, atol):
                return Feedback(False, "Right up to the sign: check the sign.", "wrong")
            if shown not in ("1", "-1"):  # "1 times the answer" would say nothing
                return Feedback(
                    False,
                    f"Right up to a constant factor: yours is {shown} times the answer "
                    "(a missing 2, 1/2 or 1/n?).",
                    "wrong",
                )
    return Feedback(False, "Not quite: your formula differs from the answer. Try again.", "wrong")


UNDEFINED = (
    "Your formula is undefined at most points of this question "
    "(a division by zero or the log of a negative number?)."
)


# ---- LaTeX ----------------------------------------------------------------------------

_LATEX_CALLS = {
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "exp": r"\exp",
    "log": r"\log",
    "tanh": r"\tanh",
    "sigma": r"\sigma",
    "relu": r"\operatorname{relu}",
    "sigma'": r"\sigma'",
    "tanh'": r"\tanh'",
    "relu'": r"\operatorname{relu}'",
}
_LEVEL = {"add": 1, "sub": 1, "mul": 2, "div": 5, "neg": 3, "pow": 4}


def _latex_number(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = repr(x)
    if "e" in s:
        m, e = s.split("e")
        return rf"{m} \times 10^{{{int(e)}}}"
    return s


def _after(u: list[Any], need: int) -> int:
    """A minus sign right after an operator is bracketed: a · (−b), a + (−b), −(−b)."""
    return 4 if u[0] == "neg" else need


def _latex(t: list[Any], names: Mapping[str, str], need: int) -> str:
    kind = t[0]
    level = _LEVEL.get(kind, 5)
    if kind == "num":
        s = _latex_number(t[1])
        level = 5 if "times" not in s else 2
    elif kind == "var":
        s = names[t[1]]
    elif kind == "const":
        s = r"\pi" if t[1] == "pi" else "e"
    elif kind == "call":
        arg = _latex(t[2], names, 0)
        if t[1] == "sqrt":
            s = rf"\sqrt{{{arg}}}"
        elif t[1] == "abs":
            s = rf"\left|{arg}\right|"
        else:
            s = rf"{_LATEX_CALLS[t[1]]}\left({arg}\right)"
    elif kind == "neg":
        s = "-" + _latex(t[1], names, _after(t[1], 3))
    elif kind in ("add", "sub"):
        op = " + " if kind == "add" else " - "
        s = _latex(t[1], names, 1) + op + _latex(t[2], names, _after(t[2], 2))
    elif kind == "mul":
        s = _latex(t[1], names, 2) + r" \cdot " + _latex(t[2], names, _after(t[2], 3))
    elif kind == "div":
        s = rf"\frac{{{_latex(t[1], names, 0)}}}{{{_latex(t[2], names, 0)}}}"
    else:
        s = "{" + _latex(t[1], names, 5) + "}^{" + _latex(t[2], names, 0) + "}"
    return rf"\left({s}\right)" if level < need else s


def to_latex(tree: Any, variables: Sequence[Variable]) -> str:
    r"""The formula in LaTeX, variables as the book writes them (``\omega_3``), fractions as
    ``\frac``, products with ``\cdot``: for solutions and feedback pages."""
    names = {v.name: v.latex for v in variables}
    return _latex(tree, names, 0)
