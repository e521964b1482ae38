r"""Exercises of chapter 7, "Backpropagation is reverse-mode automatic differentiation".

The gate patterns of a computational graph (add distributes the upstream gradient,
multiply swaps its inputs, max routes it, a fork sums), forward mode as one
Jacobian-vector product, and the cost of a gradient counted in forward passes; beyond
numbers, a fork's derivative as a formula, a slip to find in the engine's backward steps
(:data:`ENGINE_LISTINGS`, :data:`ENGINE_SLIPS`) and the multiply gate's backward step as
code. Answers come from the engine :mod:`backprop.autodiff` and from :class:`backprop.Network`.
Each ``make(seed)`` returns one variant; seed 0 is the book's.
"""

from __future__ import annotations

import numpy as np

from ..autodiff import Value, values
from ..exercises import (
    BugExercise,
    CodeExercise,
    CodeTest,
    Exercise,
    FormulaExercise,
    expect_all,
    register,
)
from ..gradcheck import numerical_gradient
from ..network import Network
from ._fair import fair_variant
from ._format import clean, linear, paren, tenths


def _gates(x: float, y: float, z: float) -> tuple[float, float, float, float]:
    """f = (x + y) max(y, z): the value and the gradients (engine)."""
    vx, vy, vz = values([x, y, z])
    f = (vx + vy) * vy.max(vz)
    f.backward()
    return f.data, clean(vx.grad), clean(vy.grad), clean(vz.grad)


@register("ch07.gates")
def gates(seed: int) -> Exercise:
    r"""$\partial f/\partial y$ for $f = (x + y)\max(y, z)$ with $y > z$: a fork whose two
    paths (through the add and through the max) both carry gradient."""

    def fair(c: np.ndarray) -> bool:
        x, y, z = c
        _, _, dy, _ = _gates(x, y, z)
        return bool(y > z + 0.2 and abs(x + y) > 0.2 and abs(dy) > 0.1 and abs(dy - y) > 0.1)

    x, y, z = fair_variant(
        seed,
        (71, 1),
        lambda rng: tenths(rng, 3, -30, 30),
        fair,
        book=lambda: np.array([1.0, 2.0, 0.5]),
    )
    f, _, dy, _ = _gates(x, y, z)
    return Exercise(
        key="ch07.gates",
        title="A fork through add and max",
        question=(
            f"Let $f = (x + y)\\cdot\\max(y, z)$ at $x = {x:g}$, $y = {y:g}$, $z = {z:g}$. "
            "Draw its graph ($s = x + y$, $m = \\max(y, z)$, $f = s\\,m$), run the reverse "
            "sweep and find $\\partial f/\\partial y$."
        ),
        prompt="∂f/∂y =",
        answer=(dy,),
        hints=(
            "Multiply swaps: ∂f/∂s = m and ∂f/∂m = s.",
            "y feeds both s (add passes the gradient on unchanged) and m (max routes all of "
            "it to the larger input): add the two contributions.",
        ),
        solution=(
            f"$s = {x + y:g}$, $m = \\max({y:g}, {z:g}) = {y:g}$. Multiply swaps: "
            f"$\\bar s = m = {y:g}$, $\\bar m = s = {x + y:g}$. The add passes $\\bar s$ to $y$, "
            f"the max routes $\\bar m$ to $y$ (the larger input), so "
            f"$\\partial f/\\partial y = {y:g} + {paren(x + y)} = {dy:g}$."
        ),
        params={"x": float(x), "y": float(y), "z": float(z)},
    )


def _fork(a: float, b: float) -> tuple[float, float]:
    """f = a b sin(a) + b: the gradients (engine)."""
    va, vb = values([a, b])
    f = va * vb * va.sin() + vb
    f.backward()
    return va.grad, vb.grad


@register("ch07.fork")
def fork(seed: int) -> Exercise:
    r"""$\partial f/\partial a$ for $f = a\,b\,\sin a + b$: $a$ is used twice, its
    gradient is the sum $b \sin a + a b \cos a$."""

    def fair(c: np.ndarray) -> bool:
        a, b = c
        da, _ = _fork(a, b)
        return bool(abs(da) > 0.05 and abs(b * np.sin(a)) > 0.05 and abs(a * b * np.cos(a)) > 0.05)

    a, b = fair_variant(
        seed, (71, 2), lambda rng: tenths(rng, 2, -20, 20), fair, book=lambda: np.array([1.2, 0.5])
    )
    da, _ = _fork(a, b)
    t1, t2 = b * np.sin(a), a * b * np.cos(a)
    return Exercise(
        key="ch07.fork",
        title="A value used twice",
        question=(
            f"Let $p = a\\,b$, $q = \\sin a$ and $f = p\\,q + b$, at $a = {a:g}$ and $b = {b:g}$. "
            "The input $a$ feeds two nodes. Find $\\partial f/\\partial a$ (at least 4 "
            "significant digits)."
        ),
        prompt="∂f/∂a =",
        answer=(da,),
        hints=(
            "Multiply swaps: ∂f/∂p = q = sin a and ∂f/∂q = p = ab.",
            "a collects one term from each node it feeds: ∂f/∂a = b·(∂f/∂p) + cos a·(∂f/∂q).",
        ),
        solution=(
            f"Through $p$: $b \\sin a = {t1:.6g}$; through $q$: $\\cos a \\cdot a b = {t2:.6g}$. "
            f"The fork sums them: $\\partial f/\\partial a = {da:.6g}$."
        ),
        params={"a": float(a), "b": float(b)},
    )


@register("ch07.jvp")
def jvp(seed: int) -> Exercise:
    r"""One forward-mode pass: the directional derivative $\nabla f \cdot v$ of
    $f = x y + \sin x$ along $v = (v_x, v_y)$, as dual numbers carry it."""

    def answer(c: np.ndarray) -> float:
        x, y, vx, vy = c
        px, py = values([x, y])
        f = px * py + px.sin()
        f.backward()
        return clean(px.grad * vx + py.grad * vy)  # forward mode gives grad . v

    def draw(rng: np.random.Generator) -> np.ndarray:
        x, y = tenths(rng, 2, -20, 20)
        return np.array([x, y, *rng.integers(-2, 3, size=2).astype(float)])

    def fair(c: np.ndarray) -> bool:
        return bool(c[2] != 0 and c[3] != 0 and abs(answer(c)) > 0.05)

    x, y, vx, vy = fair_variant(
        seed, (71, 3), draw, fair, book=lambda: np.array([0.5, 2.0, 1.0, -1.0])
    )
    jv = answer(np.array([x, y, vx, vy]))
    eps = "\\varepsilon"
    dual_x = linear((vx, eps), const=x, const_first=True)
    dual_y = linear((vy, eps), const=y, const_first=True)
    return Exercise(
        key="ch07.jvp",
        title="One forward-mode pass",
        question=(
            f"Run $f = x y + \\sin x$ on dual numbers: "
            f"$x = {dual_x}$ and "
            f"$y = {dual_y}$ (with $\\varepsilon^2 = 0$). What is the "
            "$\\varepsilon$ part of $f$, the derivative of $f$ along the direction "
            f"$v = ({vx:g}, {vy:g})$?"
        ),
        prompt="ε part of f =",
        answer=(jv,),
        hints=(
            "(a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε, and sin(a + a′ε) = sin a + a′ cos a ε.",
            "The ε part is ∂f/∂x · v_x + ∂f/∂y · v_y, with ∂f/∂x = y + cos x and ∂f/∂y = x.",
        ),
        solution=(
            f"The $\\varepsilon$ part of $x y$ is ${paren(vx)} \\cdot {paren(y)} + {paren(x)} "
            f"\\cdot {paren(vy)}$ and that of $\\sin x$ is ${paren(vx)} \\cos {paren(x)}$; "
            f"together ${jv:.6g}$, which is $\\nabla f \\cdot v$."
        ),
        params={"x": float(x), "y": float(y), "v": [float(vx), float(vy)]},
    )


@register("ch07.cost")
def cost(seed: int) -> Exercise:
    r"""Central differences need $2P$ forward passes for a gradient of $P$ parameters;
    one backward pass (about one more forward pass's work) gives all $P$."""

    def draw(rng: np.random.Generator) -> tuple[int, int, int]:
        return int(rng.integers(2, 11)), int(rng.integers(2, 21)), int(rng.integers(1, 6))

    sizes = fair_variant(seed, (71, 4), draw, lambda c: True, book=lambda: (4, 8, 3))
    P = Network.random(list(sizes), "sigmoid").n_params
    n0, n1, n2 = sizes
    return Exercise(
        key="ch07.cost",
        title="Forward passes for one gradient",
        question=(
            f"A fully connected network has {n0} inputs, {n1} hidden units and {n2} outputs "
            "(weights and biases in both layers). How many forward passes does the central "
            "difference $\\big(L(\\theta + h e_i) - L(\\theta - h e_i)\\big)/2h$ need to "
            "estimate the whole gradient of the loss?"
        ),
        prompt="forward passes =",
        answer=(2 * P,),
        rtol=0.0,
        atol=0.5,
        hints=(
            "Count the parameters: each layer has n_in · n_out weights and n_out biases.",
            "Each parameter needs two forward passes, one at θ + h eᵢ and one at θ − h eᵢ.",
        ),
        solution=(
            f"$P = {n0}\\cdot{n1} + {n1} + {n1}\\cdot{n2} + {n2} = {P}$ parameters, two passes "
            f"each: ${2 * P}$ forward passes. Reverse mode gets all {P} partial derivatives "
            "from one forward and one backward pass."
        ),
        params={"sizes": list(sizes)},
    )


# ---- find the bug: the engine's backward steps ------------------------------------------

#: Pieces of a scalar engine, each line right: the methods of a ``Value`` class (``other`` is
#: always a Value here) and ``backward``, which ``topological_order`` (every node after its
#: inputs) serves. tests/bank/test_bank_ch07.py runs them and compares with the engine.
ENGINE_LISTINGS: dict[str, tuple[str, ...]] = {
    "add-mul": (
        "def __add__(self, other):",
        "    out = Value(self.data + other.data, (self, other))",
        "    def _backward():",
        "        self.grad += out.grad",
        "        other.grad += out.grad",
        "    out._backward = _backward",
        "    return out",
        "def __mul__(self, other):",
        "    out = Value(self.data * other.data, (self, other))",
        "    def _backward():",
        "        self.grad += other.data * out.grad",
        "        other.grad += self.data * out.grad",
        "    out._backward = _backward",
        "    return out",
    ),
    "mul-tanh": (
        "def __mul__(self, other):",
        "    out = Value(self.data * other.data, (self, other))",
        "    def _backward():",
        "        self.grad += other.data * out.grad",
        "        other.grad += self.data * out.grad",
        "    out._backward = _backward",
        "    return out",
        "def tanh(self):",
        "    t = math.tanh(self.data)",
        "    out = Value(t, (self,))",
        "    def _backward():",
        "        self.grad += (1 - t**2) * out.grad",
        "    out._backward = _backward",
        "    return out",
    ),
    "sin-backward": (
        "def sin(self):",
        "    out = Value(math.sin(self.data), (self,))",
        "    def _backward():",
        "        self.grad += math.cos(self.data) * out.grad",
        "    out._backward = _backward",
        "    return out",
        "def backward(self):",
        "    order = topological_order(self)  # every node after its inputs",
        "    for node in order:",
        "        node.grad = 0.0",
        "    self.grad = 1.0",
        "    for node in reversed(order):",
        "        node._backward()",
    ),
}

_FORK = (
    "A value used by two operations (a fork) gets one term from each: with `=` the "
    "second term to arrive replaces the first instead of adding to it."
)

#: The slips: (listing, line from 1, the wrong line, why it is wrong). Seed 0 draws the first.
ENGINE_SLIPS: tuple[tuple[str, int, str, str], ...] = (
    ("add-mul", 5, "        other.grad = out.grad", _FORK),
    ("add-mul", 4, "        self.grad = out.grad", _FORK),
    ("add-mul", 12, "        other.grad = self.data * out.grad", _FORK),
    (
        "add-mul",
        11,
        "        self.grad += self.data * out.grad",
        "Multiply swaps: $\\partial(ab)/\\partial a = b$, so $a$ receives `other.data * out.grad`, "
        "not its own value times the upstream gradient.",
    ),
    (
        "add-mul",
        5,
        "        other.grad -= out.grad",
        "Add distributes: $\\partial(a + b)/\\partial b = +1$, so $b$ receives the upstream "
        "gradient unchanged. Subtracting it is the rule of $a - b$.",
    ),
    (
        "mul-tanh",
        4,
        "        self.grad += out.data * out.grad",
        "Multiply swaps: $\\partial(ab)/\\partial a = b$ (`other.data`), not the product "
        "$ab$ (`out.data`).",
    ),
    (
        "mul-tanh",
        12,
        "        self.grad += (1 - self.data**2) * out.grad",
        "$\\tanh'(a) = 1 - \\tanh^2 a = 1 - t^2$: the square of the output $t$, not of the "
        "input $a$.",
    ),
    (
        "mul-tanh",
        12,
        "        self.grad += 1 - t**2",
        "The chain rule multiplies the local derivative $1 - t^2$ by the upstream gradient "
        "`out.grad`; without it every node below gets the derivative of $\\tanh$ alone, "
        "whatever the rest of the graph does with $t$.",
    ),
    (
        "sin-backward",
        4,
        "        self.grad += math.cos(out.data) * out.grad",
        "$\\sin'(a) = \\cos a$ is evaluated at the input $a$ (`self.data`), not at the output "
        "$\\sin a$ (`out.data`).",
    ),
    (
        "sin-backward",
        12,
        "    for node in order:",
        "`order` has every node after its inputs, so it must be walked backwards: a node may "
        "pass its gradient on only when every node that uses it has added its term. Walked "
        "forwards, the inputs pass on gradients that are still 0.",
    ),
    (
        "sin-backward",
        11,
        "    self.grad = 0.0",
        "The sweep starts from $\\partial f/\\partial f = 1$; with 0 every gradient in the graph "
        "stays 0.",
    ),
)

#: What a student who picks a right line is told (the bug's own line is left out).
_ENGINE_NOTES: dict[str, dict[int, str]] = {
    "add-mul": {
        2: "the forward value a + b is right.",
        4: "add distributes: a receives the upstream gradient unchanged, and += collects it.",
        5: "add distributes: b receives the upstream gradient unchanged, and += collects it.",
        9: "the forward value a·b is right.",
        11: "multiply swaps: a receives b·v̄ (other.data * out.grad).",
        12: "multiply swaps: b receives a·v̄ (self.data * out.grad).",
    },
    "mul-tanh": {
        2: "the forward value a·b is right.",
        4: "multiply swaps: a receives b·v̄ (other.data * out.grad).",
        5: "multiply swaps: b receives a·v̄ (self.data * out.grad).",
        9: "t = tanh a is the forward value, kept for the backward step.",
        12: "tanh′(a) = 1 − tanh² a = 1 − t², times the upstream gradient.",
    },
    "sin-backward": {
        2: "the forward value sin a is right.",
        4: "sin′(a) = cos a, at the input, times the upstream gradient.",
        9: "every gradient starts at 0 before the sweep, so calling backward twice is safe.",
        10: "every gradient starts at 0 before the sweep, so calling backward twice is safe.",
        11: "the sweep starts from ∂f/∂f = 1.",
        12: "outputs before inputs: the reversed topological order.",
    },
}


@register("ch07.engine-bug")
def engine_bug(seed: int) -> BugExercise:
    """One wrong line in the engine's backward steps: an ``=`` for ``+=`` at a fork, a wrong
    local derivative, the upstream gradient left out, the order walked forwards."""
    rng = np.random.default_rng([71, 5, seed])
    which = 0 if seed == 0 else int(rng.integers(len(ENGINE_SLIPS)))
    name, line, wrong, why = ENGINE_SLIPS[which]
    right = ENGINE_LISTINGS[name]
    listing = list(right)
    listing[line - 1] = wrong
    notes = {k: v for k, v in _ENGINE_NOTES[name].items() if k != line}
    fixed = right[line - 1].strip()
    return BugExercise(
        key="ch07.engine-bug",
        title="A slip in the engine",
        question=(
            "The listing is part of a scalar engine like this chapter's `Value`: each operation "
            "builds its output `out` and defines its local backward step beside it, adding "
            "local derivative × upstream gradient (`out.grad`) to each input's `grad`; "
            "`backward` sets every gradient of the graph and runs the local steps. (Here "
            "`other` is always a `Value`.) Exactly one line is wrong: which?"
        ),
        listing=tuple(listing),
        bug=line,
        notes=notes,
        explanation=f"{why} The line should read `{fixed}`.",
        hints=(
            "Check each local derivative against the gate patterns: add distributes, "
            "multiply swaps, tanh′ = 1 − tanh², sin′ = cos.",
            "Each backward step adds (+=) local derivative × out.grad; backward visits every "
            "node after all the nodes that use it.",
        ),
        solution=f"Line {line} is wrong. {why} The right line is\n\n```python\n{fixed}\n```",
        params={"listing": name, "slip": which, "bug": line},
    )


# ---- code: the multiply gate's backward step -----------------------------------------------

_MUL_TEMPLATE = '''def mul_backward(a, b, v_bar):
    r"""The multiply gate's backward step, entry by entry.

    The forward pass computed v = a * b (numpy's product, entry by entry): b has the
    shape of a, or is a single number (shape ()) that multiplies every entry of a.
    v_bar = dL/dv has the shape of v. Return (a_bar, b_bar) = (dL/da, dL/db), each
    with the shape of the input it belongs to, as new arrays (change no input).
    """
    raise NotImplementedError
'''

_MUL_REFERENCE = """def mul_backward(a, b, v_bar):
    # multiply swaps: dv/da = b and dv/db = a, entry by entry
    a_bar = b * v_bar
    b_bar = a * v_bar
    if np.ndim(b) == 0:
        # one b is used by every entry of v: a fork, so its gradient sums the uses
        b_bar = np.sum(b_bar)
    return a_bar, b_bar
"""


def _mul_engine(a: np.ndarray, b: np.ndarray, v_bar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a_bar, b_bar) of L = sum(v_bar * a * b) from the engine, one Value per entry."""
    va = np.array(values(a.ravel()), dtype=object).reshape(a.shape)
    vb = np.array(values(b.ravel()), dtype=object).reshape(b.shape)
    if b.ndim == 0:
        vb = np.full(a.shape, vb.item(), dtype=object)  # one node, used by every entry
    terms = [
        float(g) * (x * y) for g, x, y in zip(v_bar.ravel(), va.ravel(), vb.ravel(), strict=True)
    ]
    L: Value = terms[0]
    for term in terms[1:]:
        L = L + term
    L.backward()
    grad = np.vectorize(lambda v: v.grad, otypes=[float])
    a_bar = grad(va)
    b_bar = np.array(vb.ravel()[0].grad) if b.ndim == 0 else grad(vb)
    return a_bar, b_bar


def _mul_test(name: str, a: np.ndarray, b: np.ndarray, v_bar: np.ndarray) -> CodeTest:
    wants = _mul_engine(a, b, v_bar)
    return CodeTest(name, (a, b, v_bar), expect_all(wants, ("a_bar", "b_bar")))


def _mul_check(name: str, a: np.ndarray, b: np.ndarray, v_bar: np.ndarray) -> CodeTest:
    """A gradient check: central differences of L = sum(v_bar * a * b)."""
    da = numerical_gradient(lambda x: float(np.sum(v_bar * x * b)), a)
    db = numerical_gradient(lambda x: float(np.sum(v_bar * a * x)), b)
    return CodeTest(name, (a, b, v_bar), expect_all((da, db), ("a_bar", "b_bar"), rtol=1e-6))


@register("ch07.mul-backward")
def mul_backward(seed: int) -> CodeExercise:
    """Code: the multiply gate's backward step on arrays, with a single-number ``b`` that
    every entry uses (a fork: its gradient is a sum)."""
    rng = np.random.default_rng([71, 6, seed])

    def small(*shape: int) -> np.ndarray:  # halves from -4.5 to 4.5, none of them 0
        return rng.integers(1, 10, size=shape) * rng.choice([-1.0, 1.0], size=shape) / 2.0

    tests = (
        _mul_test("two vectors of 3 numbers", small(3), small(3), small(3)),
        _mul_test("two matrices of shape (2, 3)", small(2, 3), small(2, 3), small(2, 3)),
        _mul_test(
            "a single number b times a vector (b is used by every entry)",
            small(4),
            np.array(float(rng.integers(1, 7)) / 2),
            small(4),
        ),
        _mul_test(
            "a single number b times a (2, 3) matrix",
            small(2, 3),
            np.array(-float(rng.integers(1, 7)) / 2),
            small(2, 3),
        ),
        _mul_test("a batch of 1: shape (1, 1)", small(1, 1), small(1, 1), small(1, 1)),
        _mul_test("zeros in a and b", np.zeros((2, 2)), np.zeros((2, 2)), small(2, 2)),
        _mul_test("large numbers (around a million)", small(3) * 1e6, small(3) * 1e6, small(3)),
        _mul_check(
            "gradient check on random (3, 4) arrays",
            rng.normal(size=(3, 4)),
            rng.normal(size=(3, 4)),
            rng.normal(size=(3, 4)),
        ),
    )
    return CodeExercise(
        key="ch07.mul-backward",
        title="The multiply gate, backward",
        question=(
            "Write the backward step of the multiply gate $v = a\\,b$ for arrays, entry by "
            "entry: given the upstream gradient $\\bar v = \\partial L/\\partial v$, return "
            "$\\bar a = \\partial L/\\partial a$ and $\\bar b = \\partial L/\\partial b$. The "
            "input $b$ has the shape of $a$, or is a single number that multiplies every "
            "entry of $a$. The tests compare your arrays with the engine's gradients and with "
            "central differences."
        ),
        function="mul_backward",
        arguments=("a", "b", "v_bar"),
        template=_MUL_TEMPLATE,
        reference=_MUL_REFERENCE,
        tests=tests,
        hints=(
            "Multiply swaps: each entry of a receives b times the upstream gradient, and "
            "each entry of b receives a times it.",
            "A single-number b is one node used by every entry of v: its gradient is the sum "
            "of the terms from all those uses (np.sum).",
        ),
        solution=(
            "Multiply swaps, entry by entry: $\\bar a = b \\odot \\bar v$ and "
            "$\\bar b = a \\odot \\bar v$. A single-number $b$ feeds every entry of $v$: a fork, "
            "so its gradient is the sum of those terms, $\\bar b = \\sum_i a_i \\bar v_i$.\n\n"
            f"```python\n{_MUL_REFERENCE}```"
        ),
        params={"tests": len(tests)},
    )


# ---- formula: a derivative through a fork ----------------------------------------------------

#: Graphs in which x feeds two nodes: (the nodes in LaTeX, f in LaTeX, df/dx in the answer
#: grammar, df/dx in LaTeX). tests/bank/test_bank_ch07.py checks each answer against the engine.
FORK_GRAPHS: tuple[tuple[str, str, str, str], ...] = (
    (
        "s = x + y,\\quad q = \\sin x,\\quad f = s\\,q",
        "(x + y)\\sin x",
        "sin(x) + (x + y)*cos(x)",
        "\\sin x + (x + y)\\cos x",
    ),
    (
        "p = x\\,y,\\quad f = p + \\sin p",
        "x y + \\sin(x y)",
        "y + y*cos(x*y)",
        "y + y\\cos(x y)",
    ),
    (
        "p = x\\,y,\\quad e = \\exp p,\\quad f = x\\,e",
        "x\\,e^{x y}",
        "exp(x*y) + x*y*exp(x*y)",
        "e^{x y} + x y\\,e^{x y}",
    ),
    (
        "s = x + y,\\quad t = \\tanh s,\\quad f = t\\,x",
        "x \\tanh(x + y)",
        "tanh(x + y) + x*tanh'(x + y)",
        "\\tanh(x + y) + x\\,(1 - \\tanh^2(x + y))",
    ),
    (
        "p = x\\,x,\\quad q = \\sin x,\\quad r = q\\,y,\\quad f = p + r",
        "x^2 + y \\sin x",
        "2*x + y*cos(x)",
        "2x + y\\cos x",
    ),
    (
        "p = x\\,y,\\quad s = \\sigma(p),\\quad f = s\\,x",
        "x\\,\\sigma(x y)",
        "sigma(x*y) + x*y*sigma'(x*y)",
        "\\sigma(x y) + x y\\,\\sigma'(x y)",
    ),
    (
        "s = x + y,\\quad d = x - y,\\quad f = s\\,d",
        "(x + y)(x - y)",
        "2*x",
        "(x - y) + (x + y) = 2x",
    ),
    (
        "s = \\sin x,\\quad c = \\cos x,\\quad f = s\\,c + y",
        "\\sin x \\cos x + y",
        "cos(x)^2 - sin(x)^2",
        "\\cos^2 x - \\sin^2 x",
    ),
)


@register("ch07.fork-formula")
def fork_formula(seed: int) -> FormulaExercise:
    r"""$\partial f/\partial x$ as a formula, for a small graph in which $x$ (or a node made
    from it) feeds two nodes: the fork's terms add up."""
    from ..exercises.formula import Variable

    rng = np.random.default_rng([71, 7, seed])
    which = 0 if seed == 0 else int(rng.integers(len(FORK_GRAPHS)))
    nodes, f, answer, latex = FORK_GRAPHS[which]
    return FormulaExercise(
        key="ch07.fork-formula",
        title="A fork, as a formula",
        question=(
            f"A graph computes $f = {f}$ from two inputs $x$ and $y$ through the nodes "
            f"${nodes}$. Run the reverse sweep on paper and give $\\partial f/\\partial x$ as a "
            "formula in $x$ and $y$. Type `sin(x)`, `cos(x)`, `exp(x*y)`, `tanh(...)`, "
            "`sigma(...)`; the derivatives $\\tanh'$ and $\\sigma'$ may be typed as `tanh'(...)` "
            "and `sigma'(...)`."
        ),
        prompt="∂f/∂x =",
        formula=answer,
        variables=(
            Variable("x", "x", (), -2.0, 2.0),
            Variable("y", "y", (), -2.0, 2.0),
        ),
        hints=(
            "Write each node's local derivatives (add distributes, multiply swaps, "
            "sin′ = cos, tanh′ = 1 − tanh², σ′ = σ(1 − σ)), then sweep from f back to x.",
            "x (or a node made from it) feeds two nodes: ∂f/∂x is the sum of one term per "
            "path from x to f.",
        ),
        solution=(
            f"The sweep from $f$ back to $x$ collects one term per path, and the fork adds them: "
            f"$\\partial f/\\partial x = {latex}$ (typed: `{answer}`)."
        ),
        params={"graph": which},
    )
