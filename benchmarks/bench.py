"""Time one training step of backprop.Network against PyTorch and bare numpy matmuls.

One step is forward, backward and an SGD update, in float64, on the same
thread count on every side. For each case the three sides are

- ours:  ``net.backward(net.forward(X), T, loss)`` then ``bp.sgd_step``;
- torch: plain eager autograd (``requires_grad`` tensors, ``loss.backward()``,
  ``torch.optim.SGD.step()``, ``zero_grad()``);
- floor: only the matrix products the step needs, in numpy: ``a @ W`` per layer
  (forward), ``a.T @ dz`` per layer (dW) and ``dz @ W.T`` for every layer but the
  first (the delta passed down). No library can do the step in less.

Before timing, each case checks that both sides compute the same loss, the same
gradients and the same updated parameters (max relative difference < 1e-10) and
exits non-zero otherwise. Repetitions of the three sides are interleaved (the
order rotates) so that load from other users of the machine hits all three alike.

Usage: python benchmarks/bench.py [--seconds S] [--threads N] [--only SUBSTRING]
Environment: BENCH_THREADS (default 1), BENCH_SECONDS (timing budget per case, default 20).
Writes benchmarks/results.csv, results.md and results.png, and puts the table in README.md.
"""

from __future__ import annotations

import argparse
import os
import sys

# The thread count must be fixed before numpy (OpenBLAS) and torch (OpenMP/MKL) load.
_parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
_parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "1")))
_parser.add_argument(
    "--seconds",
    type=float,
    default=float(os.environ.get("BENCH_SECONDS", "20")),
    help="timing budget per case (all three sides together)",
)
_parser.add_argument("--only", default="", help="run only cases whose name contains this")
_parser.add_argument(
    "--no-write", action="store_true", help="print the table but write no result files"
)
_parser.add_argument(
    "--cold-malloc",
    action="store_true",
    help="skip the allocator warm-up (see warm_allocator) to see the page-fault cost",
)
ARGS = _parser.parse_args()
THREADS = ARGS.threads
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

import csv  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import backprop as bp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

try:  # belt and braces: also limit the pools already loaded
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(THREADS)
except ImportError:  # pragma: no cover - the env vars above still apply
    threadpool_info = None
torch.set_num_threads(THREADS)

HERE = Path(__file__).resolve().parent
LR = 0.01
TOL = 1e-10
BATCHES = (1, 32, 1024)


@dataclass(frozen=True)
class Case:
    name: str
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str


CASES = [
    # The 2-3-2 sigmoid network of note 004_14799c3e38cefb82.txt with its L = 1/2 sum (y - t)^2.
    Case("2-3-2 sigmoid", (2, 3, 2), ("sigmoid", "sigmoid"), "half_sse"),
    Case("64-64-10 relu", (64, 64, 10), ("relu", "identity"), "mse"),
    Case("784-256-256-10 relu", (784, 256, 256, 10), ("relu", "relu", "identity"), "mse"),
]


# ---- the three sides ---------------------------------------------------------


def make_data(case: Case, batch: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, case.sizes[0]))
    n_out = case.sizes[-1]
    if case.loss == "half_sse":  # sigmoid outputs: targets in (0, 1)
        T = rng.uniform(0.05, 0.95, size=(batch, n_out))
    else:  # one-hot classes, as for digits
        T = np.eye(n_out)[rng.integers(0, n_out, size=batch)]
    return X, T


def ours(net: bp.Network, X: np.ndarray, T: np.ndarray, loss: str) -> Callable[[], object]:
    def step() -> bp.Gradients:
        grads = net.backward(net.forward(X), T, loss)
        bp.sgd_step(net, grads, LR)
        return grads

    return step


TORCH_ACT = {"sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z}


def torch_side(net: bp.Network, X: np.ndarray, T: np.ndarray, case: Case):
    """Eager autograd from the same weights: (step, [W1, b1, W2, ...], grads of a capture)."""
    params = []
    layers = []
    for W, b, act in zip(net.W, net.b, case.activations, strict=True):
        Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
        bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        params += [Wt, bt]
        layers.append((Wt, bt, TORCH_ACT[act]))
    Xt = torch.from_numpy(X)
    Tt = torch.from_numpy(T)
    n = X.shape[0]
    mse = torch.nn.functional.mse_loss
    if case.loss == "half_sse":

        def loss_fn(Y):
            return 0.5 * mse(Y, Tt, reduction="sum")
    else:  # "mse": the book's mean over samples of the squared error norm

        def loss_fn(Y):
            return mse(Y, Tt, reduction="sum") / n

    opt = torch.optim.SGD(params, lr=LR)
    last = {}

    def step(capture: bool = False) -> torch.Tensor:
        a = Xt
        for Wt, bt, f in layers:
            a = f(torch.addmm(bt, a, Wt))  # a @ W + b, fused as nn.Linear does
        loss = loss_fn(a)
        loss.backward()
        if capture:  # only for the check, not when timing
            last["grads"] = [p.grad for p in params]
        opt.step()
        opt.zero_grad()
        return loss

    return step, params, last


def floor_side(net: bp.Network, X: np.ndarray, T: np.ndarray, loss: str) -> Callable[[], None]:
    """The bare matmuls of one step, on arrays of the right shapes and values."""
    trace = net.forward(X)
    grads = net.backward(trace, T, loss)
    A, DZ, Ws = trace.a, grads.dz, net.W
    L = len(Ws)

    def step() -> None:
        for l in range(L):
            A[l] @ Ws[l]
        for l in range(L):
            A[l].T @ DZ[l]
        for l in range(1, L):
            DZ[l] @ Ws[l].T

    return step


# ---- checking ----------------------------------------------------------------


def max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max |b| (relative to the array's scale, so near-zero entries are fair)."""
    scale = float(np.max(np.abs(b)))
    return float(np.max(np.abs(a - b))) / (scale if scale > 0 else 1.0)


def check_same(case: Case, batch: int) -> float:
    """One step on both sides from the same weights; compare loss, dW, db and new W, b."""
    net = bp.Network.random(case.sizes, list(case.activations), seed=1)
    X, T = make_data(case, batch)
    t_step, t_params, t_last = torch_side(net, X, T, case)
    our = ours(net, X, T, case.loss)()
    t_loss = float(t_step(capture=True).detach())
    diffs = {"loss": abs(our.loss - t_loss) / max(abs(t_loss), 1e-300)}
    for l in range(len(case.sizes) - 1):
        diffs[f"dW[{l + 1}]"] = max_rel_diff(our.dW[l], t_last["grads"][2 * l].numpy())
        diffs[f"db[{l + 1}]"] = max_rel_diff(our.db[l], t_last["grads"][2 * l + 1].numpy())
        diffs[f"W[{l + 1}] after step"] = max_rel_diff(net.W[l], t_params[2 * l].detach().numpy())
        diffs[f"b[{l + 1}] after step"] = max_rel_diff(
            net.b[l], t_params[2 * l + 1].detach().numpy()
        )
    worst = max(diffs, key=lambda k: diffs[k])
    if not diffs[worst] < TOL:  # also catches NaN
        lines = "\n".join(f"  {k}: {v:.3e}" for k, v in diffs.items())
        sys.exit(
            f"GRADIENT MISMATCH in {case.name}, batch {batch}: {worst} differs by "
            f"{diffs[worst]:.3e} (must be < {TOL:g})\n{lines}"
        )
    return diffs[worst]


# ---- timing ------------------------------------------------------------------


def calls_per_sample(fn: Callable[[], object], target: float = 0.02) -> int:
    """How many back-to-back calls make one timing sample last about ``target`` seconds."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target or n >= 1 << 20:
            return max(1, round(n * target / max(dt, 1e-9)))
        n *= 2


def time_interleaved(
    sides: dict[str, Callable[[], object]], budget: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds per call of each side (samples interleaved), and page faults per call."""
    names = list(sides)
    for fn in sides.values():  # warm-up: caches, allocator, lazy initialisation
        for _ in range(3):
            fn()
    reps = {k: calls_per_sample(fn) for k, fn in sides.items()}
    samples: dict[str, list[float]] = {k: [] for k in names}
    faults = dict.fromkeys(names, 0)
    calls = dict.fromkeys(names, 0)
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        i = 0
        # At least 15 rounds; then until the budget is spent (at most 2001 rounds).
        while i < 15 or (time.perf_counter() - start < budget and i < 2001):
            for k in names[i % 3 :] + names[: i % 3]:  # rotate the order every round
                fn, n = sides[k], reps[k]
                f0 = minor_faults()
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                samples[k].append((time.perf_counter() - t0) / n)
                faults[k] += minor_faults() - f0
                calls[k] += n
            i += 1
    finally:
        gc.enable()
    times = {k: statistics.median(v) for k, v in samples.items()}
    return times, {k: faults[k] / calls[k] for k in names}


def minor_faults() -> int:
    """Page faults of this process so far (fresh pages from the kernel)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def warm_allocator() -> None:
    """Put glibc's malloc into the state of a long-running process.

    glibc serves big blocks with mmap until a big mmapped block has been freed; then it
    raises its mmap threshold (and its trim threshold, to twice that) for good. Until that
    has happened to a block larger than a step's arrays, every step's arrays are fresh
    pages from the kernel and pay a page fault per 4 KiB, which can triple a step's time
    (both sides alike). A Jupyter kernel or training script reaches the raised state on its
    own; freeing one 24 MB block here reaches it at once, for every side.
    """
    block = np.empty(3 * 1024 * 1024)  # 24 MiB: mmapped, never touched
    del block


def run_case(case: Case, batch: int, budget: float) -> dict:
    if not ARGS.cold_malloc:
        warm_allocator()
    worst = check_same(case, batch)
    net = bp.Network.random(case.sizes, list(case.activations), seed=1)
    X, T = make_data(case, batch)
    sides = {
        "ours": ours(net.copy(), X, T, case.loss),
        "torch": torch_side(net.copy(), X, T, case)[0],
        "floor": floor_side(net.copy(), X, T, case.loss),
    }
    t, faults = time_interleaved(sides, budget)
    return {
        "case": case.name,
        "batch": batch,
        "ours_s": t["ours"],
        "torch_s": t["torch"],
        "ratio_vs_torch": t["ours"] / t["torch"],
        "floor_s": t["floor"],
        "ratio_vs_floor": t["ours"] / t["floor"],
        "max_rel_diff": worst,
        "faults": faults,
    }


# ---- reporting ---------------------------------------------------------------

COLUMNS = ["case", "batch", "ours_s", "torch_s", "ratio_vs_torch", "floor_s", "ratio_vs_floor"]


def human(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def targets(row: dict) -> list[str]:
    """The issue's targets a row misses."""
    missed = []
    if row["ratio_vs_torch"] > 1.0:
        missed.append("ours slower than torch")
    if row["case"].startswith("784") and row["batch"] == 1024 and row["ratio_vs_floor"] > 1.15:
        missed.append("more than 1.15 x floor")
    return missed


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = ""
    if threadpool_info is not None:
        libs = [f"{d['internal_api']} {d.get('version') or ''}".strip() for d in threadpool_info()]
        blas = f"; thread pools: {', '.join(libs)}"
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__} (BLAS: OpenBLAS), torch {torch.__version__} "
        f"(BLAS: {'MKL' if torch.backends.mkl.is_available() else 'not MKL'}){blas}"
    )


def markdown(rows: list[dict]) -> str:
    head = (
        f"Threads: **{THREADS}** for numpy/OpenBLAS and for torch (intra-op). float64 throughout.  \n"
        f"Machine: {machine()}.  \n"
        "Times are medians of interleaved samples of one training step "
        "(forward, backward, SGD update); gradients agreed to < 1e-10 relative before timing.\n\n"
        "| case | batch | ours | torch | ours / torch | matmul floor | ours / floor | targets |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    body = ""
    for r in rows:
        missed = targets(r)
        body += (
            f"| {r['case']} | {r['batch']} | {human(r['ours_s'])} | {human(r['torch_s'])} | "
            f"{r['ratio_vs_torch']:.2f} | {human(r['floor_s'])} | {r['ratio_vs_floor']:.2f} | "
            f"{'met' if not missed else 'MISSED: ' + '; '.join(missed)} |\n"
        )
    return head + body


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    labels = [f"{r['case'].split()[0]}\nbatch {r['batch']}" for r in rows]
    x = np.arange(len(rows))
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7.5), sharex=True)
    w = 0.27
    sides = [
        ("ours_s", "ours (backprop)"),
        ("torch_s", "PyTorch eager"),
        ("floor_s", "matmul floor"),
    ]
    for i, (key, name) in enumerate(sides):
        ax1.bar(x + (i - 1) * w, [r[key] for r in rows], w, label=name, color=f"C{i}")
    ax1.set_yscale("log")
    ax1.set_ylabel("seconds per training step")
    ax1.legend()
    ax1.set_title(f"One training step (forward, backward, SGD), float64, {THREADS} thread(s)")
    for i, (key, name) in enumerate(
        [("ratio_vs_torch", "ours / torch"), ("ratio_vs_floor", "ours / floor")]
    ):
        vals = [r[key] for r in rows]
        bars = ax2.bar(x + (i - 0.5) * w, vals, w, label=name, color=f"C{i + 3}")
        ax2.bar_label(bars, [f"{v:.2f}" for v in vals], fontsize=7)
    ax2.axhline(1.0, color="k", lw=0.8, label="1 (ours / torch target: at most 1)")
    ax2.axhline(
        1.15,
        color="k",
        lw=0.8,
        ls="--",
        label="1.15 (ours / floor target: 784-256-256-10, batch 1024)",
    )
    ax2.set_yscale("log")
    lo = min(min(r["ratio_vs_torch"], r["ratio_vs_floor"]) for r in rows) / 1.3
    hi = max(max(r["ratio_vs_torch"], r["ratio_vs_floor"]) for r in rows) * 1.5
    ax2.set_ylim(lo, hi)
    ax2.set_yticks([t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50) if lo <= t <= hi])
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax2.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax2.set_ylabel("ratio (log scale)")
    ax2.legend(fontsize=8, loc="upper right")
    ax2.set_xticks(x, labels, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_readme(md: str) -> None:
    """Put the table between README.md's two results markers, so the README shows the latest."""
    readme = HERE / "README.md"
    start, end = "<!-- results:start -->\n", "<!-- results:end -->"
    text = readme.read_text() if readme.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        readme.write_text(head + start + md + rest[rest.index(end) :])


def main() -> None:
    cases = [c for c in CASES if ARGS.only in c.name]
    print(f"threads: {THREADS}; timing budget per case: {ARGS.seconds:g} s", flush=True)
    rows = []
    for case in cases:
        for batch in BATCHES:
            row = run_case(case, batch, ARGS.seconds)
            rows.append(row)
            print(
                f"{case.name:>22} batch {batch:>4}: ours {human(row['ours_s']):>10}  "
                f"torch {human(row['torch_s']):>10}  ours/torch {row['ratio_vs_torch']:5.2f}  "
                f"floor {human(row['floor_s']):>10}  ours/floor {row['ratio_vs_floor']:6.2f}  "
                f"(grads agree to {row['max_rel_diff']:.1e}; page faults per step: "
                + ", ".join(f"{k} {v:.0f}" for k, v in row["faults"].items())
                + ")",
                flush=True,
            )
    md = markdown(rows)
    if ARGS.no_write:
        print(md)
        return
    with open(HERE / "results.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r["case"], r["batch"]] + [f"{r[k]:.6g}" for k in COLUMNS[2:]])
    # Keep the grading table of grade_jobs.py (make bench-grade), between its markers.
    old = (HERE / "results.md").read_text() if (HERE / "results.md").exists() else ""
    kept = old[old.index("<!-- grading:start -->") :] if "<!-- grading:start -->" in old else ""
    (HERE / "results.md").write_text(md + ("\n" + kept if kept else ""))
    update_readme(md)
    plot(rows, HERE / "results.png")
    print(md)
    missed = [f"{r['case']} batch {r['batch']}: {m}" for r in rows for m in targets(r)]
    print("targets: all met" if not missed else "targets missed:\n  " + "\n  ".join(missed))
    print(f"wrote {HERE / 'results.csv'}, results.md, results.png; table in README.md")


if __name__ == "__main__":
    main()
