"""The notation table (appendices/notation.md) against the library.

Every name in the table's "Library" column is evaluated on a small network, a toy model
and a classification batch, and the formulas the table states for the main rows are
checked against what those names hold.
"""

from __future__ import annotations

import re
from pathlib import Path

import backprop as bp
import numpy as np
import pytest

NOTATION = Path(__file__).resolve().parents[2] / "appendices" / "notation.md"
#: Snippets in the library column that are not Python expressions.
NOT_EXPRESSIONS = {"*"}


def table_rows() -> list[list[str]]:
    rows = []
    for line in NOTATION.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| ---") or line.startswith("| Symbol"):
            continue
        cells = [c.strip() for c in line.strip()[1:-1].split("|")]  # no cell holds a "|"
        assert len(cells) == 4, f"a row of the table needs 4 columns: {line}"
        rows.append(cells)
    return rows


def library_names() -> list[str]:
    names = []
    for symbol, _meaning, _shape, library in table_rows():
        if symbol.startswith("**"):  # a section heading row
            continue
        names.extend(re.findall(r"`([^`]+)`", library))
    return names


def namespace(l: int = 1, k: int = 0, i: int = 1) -> dict:
    """Everything the library column may name: a 2-4-3 network on 3 samples, a toy model."""
    net = bp.Network.random([2, 4, 3], ["relu", "sigmoid"], seed=0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 2))
    labels = np.array([0, 2, 1])
    n_classes = 3
    T = bp.data.one_hot(labels, n_classes)
    trace = net.forward(X)
    grads = net.backward(trace, T, "half_sse")
    toy = bp.ToyModel(beta=[0.1, 0.2, 0.3, 0.4], omega=[1.0, 0.5, 0.8, 1.2])
    x = np.linspace(-1.0, 1.0, 5)
    y = np.sin(x)
    toy_trace = toy.forward(x)
    toy_grads = toy.backward(toy_trace, y)
    return {
        "bp": bp,
        "np": np,
        "net": net,
        "X": X,
        "T": T,
        "Y": trace.output,
        "Z": trace.z[0],
        "trace": trace,
        "grads": grads,
        "toy": toy,
        "toy_trace": toy_trace,
        "toy_grads": toy_grads,
        "x": x,
        "y": y,
        "F": lambda v: float(np.sum(np.asarray(v) ** 2)),
        "eps": 1e-6,
        "lr": 0.1,
        "labels": labels,
        "n_classes": n_classes,
        "l": l,
        "k": k,
        "i": i,
    }


def test_the_table_is_there_and_names_the_library():
    names = library_names()
    assert len(table_rows()) >= 40
    assert len(names) >= 60
    for expected in ("grads.dz[l - 1]", "grads.dW[l - 1]", "trace.a[l]", "toy_grads.dl_df[k]"):
        assert expected in names


@pytest.mark.parametrize("l, k, i", [(1, 0, 1), (2, 3, 2)])
def test_every_library_name_evaluates(l, k, i):
    ns = namespace(l, k, i)
    for name in library_names():
        if name in NOT_EXPRESSIONS:
            continue
        try:
            value = eval(name, ns)  # noqa: S307 - the table's own snippets, no user input
        except SyntaxError:
            pytest.fail(f"{name!r} in the notation table is not a Python expression")
        except Exception as exc:  # noqa: BLE001 - report any failure with the name
            pytest.fail(f"{name!r} in the notation table fails: {type(exc).__name__}: {exc}")
        if name.startswith(("grads.", "trace.", "toy_")):
            assert value is not None, name


@pytest.mark.parametrize("l", [1, 2])
def test_the_main_rows_mean_what_the_table_says(l):
    ns = namespace(l)
    net, trace, grads = ns["net"], ns["trace"], ns["grads"]
    W, b = net.W[l - 1], net.b[l - 1]
    z, a, a_prev = trace.z[l - 1], trace.a[l], trace.a[l - 1]
    n = ns["X"].shape[0]
    # Shapes as the table gives them.
    assert W.shape == (net.sizes[l - 1], net.sizes[l]) and b.shape == (net.sizes[l],)
    assert z.shape == a.shape == grads.dz[l - 1].shape == grads.da[l].shape == (n, net.sizes[l])
    # z = a^(l-1) W + b, a = f(z), delta = dL/da * f'(z), dL/dW = a^T delta, dL/db = sum delta.
    f = net.activations[l - 1]
    np.testing.assert_allclose(z, a_prev @ W + b, rtol=1e-12)
    np.testing.assert_allclose(a, f.f(z), rtol=1e-12)
    np.testing.assert_allclose(grads.dz[l - 1], grads.da[l] * f.df(z), rtol=1e-12)
    np.testing.assert_allclose(grads.dW[l - 1], a_prev.T @ grads.dz[l - 1], rtol=1e-12)
    np.testing.assert_allclose(grads.db[l - 1], grads.dz[l - 1].sum(axis=0), rtol=1e-12)
    # y = a^(L), dL/dy for half_sse is y - t, and the loss is 1/2 sum ||y - t||^2.
    L = net.n_layers
    np.testing.assert_array_equal(trace.output, trace.a[L])
    np.testing.assert_allclose(grads.da[L], trace.output - ns["T"], rtol=1e-12)
    assert grads.loss == pytest.approx(0.5 * np.sum((trace.output - ns["T"]) ** 2))


def test_the_toy_rows_mean_what_the_table_says():
    ns = namespace()
    toy, tt, tg, x, y = ns["toy"], ns["toy_trace"], ns["toy_grads"], ns["x"], ns["y"]
    np.testing.assert_array_equal(tt.h[0], x)
    for k in range(4):
        np.testing.assert_allclose(tt.f[k], toy.beta[k] + toy.omega[k] * tt.h[k], rtol=1e-12)
    np.testing.assert_allclose(tt.h[1], np.sin(tt.f[0]), rtol=1e-12)
    np.testing.assert_allclose(tt.h[2], np.exp(tt.f[1]), rtol=1e-12)
    np.testing.assert_allclose(tt.h[3], np.cos(tt.f[2]), rtol=1e-12)
    np.testing.assert_array_equal(toy.phi, np.concatenate([toy.beta, toy.omega]))
    assert tg.loss == pytest.approx(float(np.sum((tt.output - y) ** 2)))
    np.testing.assert_allclose(tg.dl_dbeta, [np.sum(d) for d in tg.dl_df], rtol=1e-12)


def test_the_other_texts_rows_translate_correctly():
    ns = namespace()
    net, trace = ns["net"], ns["trace"]
    # Column-vector texts' A_i acts on column vectors: A_i u + b_i is our (a W + b) transposed.
    u = ns["X"][0]
    np.testing.assert_allclose(net.W[0].T @ u + net.b[0], trace.z[0][0], rtol=1e-12)
    # The cost C = (o^L - t)^2 of other texts is the "sse" loss of one sample.
    one = ns["X"][:1], ns["T"][:1]
    assert net.loss(*one, "sse") == pytest.approx(
        float(np.sum((net.predict(one[0]) - one[1]) ** 2))
    )
    # The output delta (y - t) y (1 - y) is grads.dz[1] for a sigmoid output, half SSE.
    y = trace.output
    np.testing.assert_allclose(ns["grads"].dz[1], (y - ns["T"]) * y * (1 - y), rtol=1e-12)


def test_each_letter_has_one_meaning():
    """L is only the loss (the depth is D), samples are s and units i, j, k."""
    text = NOTATION.read_text(encoding="utf-8")
    table = "\n".join(line for line in text.splitlines() if line.startswith("| "))
    # No layer superscript or width named L in the book's own rows (other texts' rows say o^L).
    own = table.split("**Symbols of other texts**")[0]
    assert "a^{(D)}" in own and "n_D" in own and "^{(L)}" not in own and "n_L" not in own
    # Sums over samples run over s, never over a unit index.
    for unit in "ijk":
        assert f"\\sum_{unit} \\delta" not in own and f"\\sum_{unit} \\lVert" not in own
    assert "\\sum_s \\delta" in own
    # The table names no document the reader cannot open.
    assert re.search(r"[0-9]{3}_[0-9a-f]{16}|notes? 00[0-4]", text, re.IGNORECASE) is None
