r"""A scalar reverse-mode automatic differentiation engine: backpropagation on any graph.

Each operation builds its output $v = g(u_1, \dots, u_m)$ from its inputs and defines,
right beside the forward formula, its local backward step: given the upstream gradient
$\bar v = \partial L/\partial v$ it adds $\bar u_i \mathrel{+}= \bar v\,\partial g/\partial u_i$
to each input. A value that feeds several others collects one term per use (the ``+=``):
the chain rule's sum over paths. :meth:`Value.backward` sorts the graph topologically
(with an explicit stack, so a chain of 100,000 nodes needs no recursion) and applies the
local steps from the output back to the inputs.

>>> x, y = Value(2.0), Value(-3.0)
>>> f = x * y + x.sin()
>>> f.backward()
>>> round(x.grad, 6), y.grad
(-3.416147, 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real


def _number(x: object, what: str) -> float:
    """``x`` as a finite float, or a ValueError naming ``what``."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{what} must be a real number or a Value, not {type(x).__name__}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"{what} is {v}: the engine takes finite numbers only")
    return v


class Value:
    r"""A scalar node of a computational graph: its value ``data`` and, after
    :meth:`backward`, ``grad`` $= \partial L/\partial(\text{this node})$ for the output $L$."""

    __slots__ = ("data", "grad", "_parents", "_backward", "op")

    def __init__(self, data: float, _parents: tuple[Value, ...] = (), op: str = "") -> None:
        self.data = _number(data, "a Value's data")
        self.grad = 0.0
        self._parents = _parents
        self._backward: Callable[[], None] = lambda: None
        self.op = op

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    @staticmethod
    def lift(x: Value | float) -> Value:
        """A Value as it is; a number as a constant leaf."""
        return x if isinstance(x, Value) else Value(_number(x, "an operand"))

    def _out(self, data: float, parents: tuple[Value, ...], op: str) -> Value:
        if not math.isfinite(data):
            raise ValueError(f"{op} overflowed: {op}({', '.join(repr(p.data) for p in parents)})")
        return Value(data, parents, op)

    # ---- the operations: forward formula, then its local backward ----
    def __add__(self, other: Value | float) -> Value:
        r"""$v = a + b$; $\bar a \mathrel{+}= \bar v$, $\bar b \mathrel{+}= \bar v$ (add distributes)."""
        b = Value.lift(other)
        out = self._out(self.data + b.data, (self, b), "+")

        def _backward() -> None:
            self.grad += out.grad
            b.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        r"""$v = a b$; $\bar a \mathrel{+}= b\,\bar v$, $\bar b \mathrel{+}= a\,\bar v$ (multiply swaps)."""
        b = Value.lift(other)
        out = self._out(self.data * b.data, (self, b), "×")

        def _backward() -> None:
            self.grad += b.data * out.grad
            b.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, c: float) -> Value:
        r"""$v = a^c$ for a constant $c$; $\bar a \mathrel{+}= c\,a^{c-1}\,\bar v$."""
        if isinstance(c, Value):
            raise TypeError(
                "the exponent must be a constant number; for a^b write (b * a.log()).exp()"
            )
        c = _number(c, "the exponent")
        if self.data < 0 and not c.is_integer():
            raise ValueError(f"{self.data!r} ** {c!r}: a negative base needs a whole exponent")
        if self.data == 0 and c < 1 and c != 0:
            raise ValueError(f"0 ** {c!r} has no derivative (nor a value for c < 0)")
        try:
            v = self.data**c
            d = c * self.data ** (c - 1) if c != 0 else 0.0
        except OverflowError:
            v = d = math.inf
        out = self._out(v, (self,), f"^{c:g}")

        def _backward() -> None:
            self.grad += d * out.grad

        out._backward = _backward
        return out

    def _unary(self, f: float, df: float, op: str) -> Value:
        # v = g(a) with g'(a) = df known at the forward pass: a-bar += g'(a) v-bar.
        out = self._out(f, (self,), op)

        def _backward() -> None:
            self.grad += df * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        r"""$v = e^a$; $\bar a \mathrel{+}= e^a\,\bar v$."""
        e = math.exp(self.data) if self.data < 710 else math.inf
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        r"""$v = \ln a$ for $a > 0$; $\bar a \mathrel{+}= \bar v / a$."""
        if self.data <= 0:
            raise ValueError(f"log({self.data!r}): the logarithm needs a positive number")
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def sin(self) -> Value:
        r"""$v = \sin a$; $\bar a \mathrel{+}= \cos a\,\bar v$."""
        return self._unary(math.sin(self.data), math.cos(self.data), "sin")

    def cos(self) -> Value:
        r"""$v = \cos a$; $\bar a \mathrel{+}= -\sin a\,\bar v$."""
        return self._unary(math.cos(self.data), -math.sin(self.data), "cos")

    def tanh(self) -> Value:
        r"""$v = \tanh a$; $\bar a \mathrel{+}= (1 - v^2)\,\bar v$."""
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def sigmoid(self) -> Value:
        r"""$v = \sigma(a) = 1/(1 + e^{-a})$; $\bar a \mathrel{+}= v(1 - v)\,\bar v$."""
        a = self.data  # the stable form: exp of a non-positive number only
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        return self._unary(s, s * (1.0 - s), "σ")

    def relu(self) -> Value:
        r"""$v = \max(a, 0)$; $\bar a \mathrel{+}= [a > 0]\,\bar v$ (0 at $a = 0$)."""
        return self._unary(max(self.data, 0.0), 1.0 if self.data > 0 else 0.0, "relu")

    def max(self, other: Value | float) -> Value:
        r"""$v = \max(a, b)$; the gradient is routed: $\bar a \mathrel{+}= [a \ge b]\,\bar v$,
        $\bar b \mathrel{+}= [a < b]\,\bar v$ (a tie goes to $a$)."""
        b = Value.lift(other)
        first = self.data >= b.data
        out = self._out(self.data if first else b.data, (self, b), "max")

        def _backward() -> None:
            (self if first else b).grad += out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        r"""$v = -a$; $\bar a \mathrel{-}= \bar v$."""
        out = self._out(-self.data, (self,), "neg")

        def _backward() -> None:
            self.grad -= out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Value | float) -> Value:
        r"""$v = a - b$; $\bar a \mathrel{+}= \bar v$, $\bar b \mathrel{-}= \bar v$."""
        b = Value.lift(other)
        out = self._out(self.data - b.data, (self, b), "−")

        def _backward() -> None:
            self.grad += out.grad
            b.grad -= out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Value | float) -> Value:
        r"""$v = a / b$ ($b \ne 0$); $\bar a \mathrel{+}= \bar v / b$,
        $\bar b \mathrel{+}= -(v / b)\,\bar v$ (as $\partial(a/b)/\partial b = -a/b^2$)."""
        b = Value.lift(other)
        if b.data == 0:
            raise ZeroDivisionError(f"{self.data!r} / 0: division by zero")
        out = self._out(self.data / b.data, (self, b), "÷")

        def _backward() -> None:
            self.grad += out.grad / b.data
            b.grad += -(out.data / b.data) * out.grad

        out._backward = _backward
        return out

    # numbers on the left: 2 * x, 1 - x, ...
    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return Value.lift(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return Value.lift(other) / self

    # ---- the backward pass ----
    def graph(self) -> list[Value]:
        """Every node this one depends on (itself included), each after all of its inputs."""
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:  # depth first with an explicit stack: no recursion limit
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)  # every input of node is in `order` already
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node._parents if id(p) not in visited)
        return order

    def backward(self) -> None:
        r"""Set ``grad`` $= \partial(\text{self})/\partial u$ on every node $u$ of the graph.

        The gradients are computed afresh: every ``grad`` in the graph is first set to 0,
        then $\bar L = 1$ and each node's local backward step runs, outputs before inputs.
        Calling it twice therefore gives the same gradients again (never twice them); nodes
        outside this graph keep their ``grad``. For the gradient of a sum of outputs, add
        them into one Value and call ``backward`` on that.
        """
        order = self.graph()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def values(xs: Iterable[float]) -> list[Value]:
    """One leaf Value per number."""
    return [Value(x) for x in xs]
