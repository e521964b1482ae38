"""The depth explorer (backprop.widgets.depth, js/depth.js): the JavaScript generator draws the
same numbers as the Python one (exactly), and the per-layer root mean squares of z and of the
deltas agree with backprop.Network on a table of settings (1e-9 relative: 50 layers of float
sums in another order, and tanh/sigmoid of libm vs V8, differ in the last bits)."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
import traitlets
from backprop.network import INITS, Network
from backprop.widgets.depth import (
    ACTIVATIONS,
    DepthExplorer,
    depth_explorer,
    depth_profile,
    depth_setup,
    uniforms,
)

RUNNER = r"""
import { readFileSync } from "node:fs";
const m = await import(process.argv[2]);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));
const next = m.mulberry32(12345);
const draws = Array.from({ length: 1000 }, next);
const out = cases.map(({ depth, activation, init, width, samples, seed }) => {
  try {
    return m.profile(depth, activation, init, width, samples, seed);
  } catch (e) {
    return { error: e.message };
  }
});
process.stdout.write(JSON.stringify({ draws, out }));
"""

TABLE = [
    {"depth": d, "activation": a, "init": i, "width": w, "samples": n, "seed": s}
    for d, w, n, s in [(2, 32, 64, 0), (10, 32, 64, 0), (30, 16, 20, 7), (50, 32, 64, 0)]
    for a in ACTIVATIONS
    for i in INITS
]


def run_node(node, root, tmp_path, rows):
    (tmp_path / "run.mjs").write_text(RUNNER)
    (tmp_path / "cases.json").write_text(json.dumps(rows))
    module = root / "lib" / "backprop" / "widgets" / "js" / "depth.js"
    # depth.js imports d3-scale (bare specifier): run it from the repository, where node_modules is.
    proc = subprocess.run(
        [node, str(tmp_path / "run.mjs"), module.as_uri(), str(tmp_path / "cases.json")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_js_and_python_agree_on_a_table_of_settings(node, root, tmp_path):
    got = run_node(node, root, tmp_path, TABLE)
    # The generator: bit for bit.
    np.testing.assert_array_equal(got["draws"], uniforms(12345, 1000))
    assert len(got["out"]) == len(TABLE) == 36
    for row, js in zip(TABLE, got["out"], strict=True):
        assert "error" not in js, (row, js)
        py = depth_profile(**row)
        np.testing.assert_allclose(js["zRms"], py.z_rms, rtol=1e-9, err_msg=str(row))
        np.testing.assert_allclose(js["deltaRms"], py.delta_rms, rtol=1e-9, err_msg=str(row))


def test_the_generator_is_uniform_and_seeded():
    u = uniforms(0, 20_000)
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.003
    np.testing.assert_array_equal(u[:100], uniforms(0, 100))
    assert not np.array_equal(uniforms(1, 100), u[:100])
    assert np.all(u * 2**32 == np.round(u * 2**32))  # multiples of 2^-32


@pytest.mark.parametrize("init", list(INITS))
def test_setup_draws_weights_of_the_inits_variance(init):
    net, X, T = depth_setup(20, "tanh", init, width=32, samples=64)
    s = INITS[init](32, 32)
    w = np.concatenate([W.ravel() for W in net.W])
    assert abs(w.var() / s**2 - 1) < 0.05 and np.abs(w).max() <= s * np.sqrt(3)
    assert abs(np.mean(X**2) - 1) < 0.1 and abs(np.mean(T**2) - 1) < 0.1
    assert [a.name for a in net.activations] == ["tanh"] * 19 + ["identity"]
    assert all(np.all(b == 0) for b in net.b)


def test_profile_is_the_networks_own_backward_pass():
    net, X, T = depth_setup(6, "relu", "he", width=8, samples=5, seed=3)
    g = Network(net.W, net.b, net.activations).gradients(X, T, "mse")
    p = depth_profile(6, "relu", "he", width=8, samples=5, seed=3)
    np.testing.assert_array_equal(p.delta_rms, g.delta_rms())
    assert p.z_rms.shape == (6,)


def test_the_explorer_shows_vanishing_and_steady_deltas():
    w = depth_explorer(30, "sigmoid", "lecun")
    vanish = w.profile().delta_rms
    assert vanish[0] / vanish[-1] < 1e-6  # sigmoid: each layer multiplies by about 1/4 or less
    w.activation, w.init = "relu", "he"
    steady = w.profile().delta_rms
    assert 0.1 < steady[0] / steady[-1] < 10


def test_traits_are_checked_and_the_fallback_is_stable():
    w = DepthExplorer()
    assert (w.depth, w.activation, w.init) == (10, "tanh", "lecun")
    assert repr(w) == "Depth explorer: run this cell to move the sliders"
    with pytest.raises(traitlets.TraitError, match="within 2..50"):
        w.depth = 51
    with pytest.raises(traitlets.TraitError, match="unknown activation"):
        w.activation = "sin"
    with pytest.raises(traitlets.TraitError, match="unknown init"):
        w.init = "zeros"
    with pytest.raises(ValueError, match="within 2..50"):
        depth_profile(1, "tanh", "lecun")
