"""The live explorers in Chromium: input-to-redraw time and the JavaScript each page loads.

    .venv/bin/python benchmarks/explorers.py [--html _build/html] [--moves 50]

For every chapter page of the built static site (no kernel) and every explorer on it
(``.bp-explorer``, lib/backprop/widgets/js/), it makes ``--moves`` slider moves, cycling
through the explorer's sliders, one step up or down the slider's grid (down at the top end).
Each move sets the slider's value and dispatches an ``input`` event in the page, exactly the
event a drag or an arrow key fires; the time is from just before that dispatch to the end of
the redraw it causes (the explorer's ``bp-redraw`` event from ui.js's ``onFrame``, which draws
on the next animation frame, so the time includes waiting for that frame, as a reader's screen
would). Moves are 40 ms apart, so none coalesce. Reported: median and p95 per explorer
(targets: median <= 16 ms, p95 <= 50 ms), and the draw alone (median).

Bytes: the explorer JavaScript a page loads is the ``_esm`` bundle text that the page's saved
widget state carries for each explorer on it (gzip -9 each, summed: target <= 150 KB a page);
the anywidget runtime (``_static/offline/anywidget/index.js``) is loaded for the exercises
anyway and is listed on its own.

Writes benchmarks/explorers.csv and replaces the table between the markers in
benchmarks/README.md. Needs the project's .venv (playwright) and /usr/bin/chromium
($CHROMIUM); a missing site or browser is a loud error.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
MEDIAN_TARGET_MS, P95_TARGET_MS, KB_TARGET = 16.0, 50.0, 150.0
BEGIN, END = "<!-- explorers:begin -->", "<!-- explorers:end -->"

# One move on explorer `index` of the page, slider `k`: set, dispatch, wait for the redraw.
MOVE = """async ([index, k, up]) => {
  const root = document.querySelectorAll('.bp-explorer')[index];
  const s = root.querySelectorAll('input[type=range]')[k];
  const step = Number(s.step) || 1, lo = Number(s.min), hi = Number(s.max);
  let v = Number(s.value) + (up ? step : -step);
  if (v > hi + 1e-9 || v < lo - 1e-9) v = Number(s.value) + (up ? -step : step);
  const done = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no bp-redraw within 2 s')), 2000);
    root.addEventListener('bp-redraw', (e) => { clearTimeout(t); resolve(e.detail); }, { once: true });
  });
  s.value = String(v);
  const t0 = performance.now();
  s.dispatchEvent(new Event('input', { bubbles: true }));
  const d = await done;
  await new Promise((r) => setTimeout(r, 40));
  return { total: d.end - t0, draw: d.end - d.start };
}"""

MARK = """() => {
  for (const t of document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')) {
    const s = t.previousElementSibling;
    if (s && s.classList.contains('widget-subarea')) s.dataset.bpModel = JSON.parse(t.textContent).model_id;
  }
  return Array.from(document.querySelectorAll('.bp-explorer')).map((e) => ({
    name: Array.from(e.classList).find((c) => c.startsWith('bp-') && c !== 'bp-explorer').slice(3),
    model: e.closest('.widget-subarea') ? e.closest('.widget-subarea').dataset.bpModel : null,
    sliders: e.querySelectorAll('input[type=range]').length,
  }));
}"""


def gz(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def chromium() -> str:
    for c in (os.environ.get("CHROMIUM"), "/usr/bin/chromium"):
        if c and Path(c).is_file():
            return c
    sys.exit("explorers: Chromium NOT FOUND (set $CHROMIUM or apt-get install chromium)")


def pages(html: Path) -> list[str]:
    return sorted(str(p.relative_to(html)) for p in (html / "chapters").glob("*.html"))


def widget_state(page: Any) -> dict[str, Any]:
    models: dict[str, Any] = {}
    for text in page.eval_on_selector_all(
        'script[type="application/vnd.jupyter.widget-state+json"]',
        "els => els.map(e => e.textContent)",
    ):
        models.update(json.loads(text)["state"])
    return models


def percentile(xs: list[float], q: float) -> float:
    """The q-th percentile, linear between order statistics (numpy's default)."""
    s = sorted(xs)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def run(html: Path, moves: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(html))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    runtime = html / "_static" / "offline" / "anywidget" / "index.js"
    runtime_gz = gz(runtime.read_text("utf-8")) if runtime.is_file() else 0
    rows, per_page = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            for path in pages(html):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(base + path, wait_until="load")
                n_views = page.locator(
                    'script[type="application/vnd.jupyter.widget-view+json"]'
                ).count()
                state = widget_state(page)
                expected = sum(
                    1
                    for m in state.values()
                    if "_esm" in m.get("state", {}) and "answer" not in m.get("state", {})
                )
                if n_views == 0 or expected == 0:
                    page.close()
                    continue
                page.wait_for_function(
                    "(n) => document.querySelectorAll('.bp-explorer').length >= n",
                    arg=expected,
                    timeout=30_000,
                )
                page.wait_for_timeout(300)
                found = page.evaluate(MARK)
                js_gz = sum(gz(state[e["model"]]["state"]["_esm"]) for e in found if e["model"])
                per_page.append(
                    {
                        "page": path,
                        "explorers": len(found),
                        "explorer_js_gz": js_gz,
                        "runtime_gz": runtime_gz,
                    }
                )
                for i, e in enumerate(found):
                    if e["sliders"] == 0:
                        continue
                    totals, draws = [], []
                    page.locator(".bp-explorer").nth(i).scroll_into_view_if_needed()
                    for m in range(moves + 3):  # 3 warm-up moves, not counted
                        r = page.evaluate(MOVE, [i, m % e["sliders"], (m // e["sliders"]) % 2 == 0])
                        if m >= 3:
                            totals.append(r["total"])
                            draws.append(r["draw"])
                    row = {
                        "page": path,
                        "explorer": e["name"],
                        "sliders": e["sliders"],
                        "moves": len(totals),
                        "median_ms": round(statistics.median(totals), 2),
                        "p95_ms": round(percentile(totals, 95), 2),
                        "draw_median_ms": round(statistics.median(draws), 2),
                        "bundle_gz": gz(state[e["model"]]["state"]["_esm"]) if e["model"] else 0,
                    }
                    rows.append(row)
                    print(
                        f"{path:40s} {e['name']:8s} median {row['median_ms']:6.2f} ms  "
                        f"p95 {row['p95_ms']:6.2f} ms  draw {row['draw_median_ms']:5.2f} ms",
                        flush=True,
                    )
                page.close()
            version = browser.version
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    for r in rows:
        r["chromium"] = version
    return rows, per_page


def table(rows: list[dict[str, Any]], per_page: list[dict[str, Any]], moves: int) -> str:
    lines = [
        BEGIN,
        f"Chromium {rows[0]['chromium'] if rows else '?'}, headless, 1280 px wide; {moves} moves "
        "per explorer (after 3 warm-up moves); times from the `input` event to the end of the "
        "redraw, which waits for the next animation frame.",
        "",
        "| page | explorer | sliders | median (ms) | p95 (ms) | draw alone, median (ms) | bundle (KB gz) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ok = r["median_ms"] <= MEDIAN_TARGET_MS and r["p95_ms"] <= P95_TARGET_MS
        lines.append(
            f"| {r['page']} | {r['explorer']} | {r['sliders']} | {r['median_ms']:.1f} | "
            f"{r['p95_ms']:.1f}{'' if ok else ' **over target**'} | {r['draw_median_ms']:.2f} | "
            f"{r['bundle_gz'] / 1000:.1f} |"
        )
    lines += [
        "",
        "| page | explorers | explorer JavaScript (KB gz) | anywidget runtime (KB gz, shared with the exercises) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for p in per_page:
        over = "" if p["explorer_js_gz"] / 1000 <= KB_TARGET else " **over target**"
        lines.append(
            f"| {p['page']} | {p['explorers']} | {p['explorer_js_gz'] / 1000:.1f}{over} | "
            f"{p['runtime_gz'] / 1000:.1f} |"
        )
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html", default=os.environ.get("BOOK_HTML", str(ROOT / "_build" / "html")))
    ap.add_argument("--moves", type=int, default=50)
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite benchmarks/README.md")
    args = ap.parse_args()
    html = Path(args.html).resolve()
    if not (html / "index.html").is_file():
        sys.exit(f"explorers: no built site at {html}: run `make book` (or pass --html)")
    rows, per_page = run(html, args.moves)
    if not rows:
        sys.exit(f"explorers: no explorer with sliders found on the chapter pages of {html}")
    with open(HERE / "explorers.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    text = table(rows, per_page, args.moves)
    print(text)
    if not args.no_readme:
        readme = HERE / "README.md"
        old = readme.read_text("utf-8")
        if BEGIN in old and END in old:
            new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: text, old, flags=re.S)
            readme.write_text(new, "utf-8")
        else:
            print(f"explorers: no markers {BEGIN} ... {END} in {readme}; table not written")
    over = [r for r in rows if r["median_ms"] > MEDIAN_TARGET_MS or r["p95_ms"] > P95_TARGET_MS]
    over_kb = [p for p in per_page if p["explorer_js_gz"] / 1000 > KB_TARGET]
    print(
        f"explorers: {len(rows)} explorers timed; {len(over)} over the time targets, "
        f"{len(over_kb)} pages over {KB_TARGET:.0f} KB"
    )


if __name__ == "__main__":
    main()
