"""Browser tests of the built website: Playwright drives Debian's Chromium.

The site is the html folder of a finished book build: ``$BOOK_HTML`` (default
``_build/html``), served by ``http.server`` on 127.0.0.1 in a thread. Each page of the
table of contents is visited once (``visit``) and what the tests need is collected in a
``PageReport``: console errors, failed and off-site requests, math, widgets, links,
accessibility (axe-core from ``node_modules``), the exercises tried with no kernel, and a
phone-width load. A screenshot of each chapter goes to ``<html>/../screenshots/``
(``_build/screenshots/``).

Without Chromium (``$CHROMIUM``, /usr/bin/chromium, or chromium on PATH) or without a
built site the tests skip with a loud message; under ``CI=true`` that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_site import (
    _SKIPPED,
    DESKTOP,
    HOST,
    HTML,
    PHONE,
    SCREENSHOTS,
    PageReport,
    Recorder,
    _missing,
    collect,
    is_exercise,
    phone_overflow,
    try_exercises,
    wait_ready,
    widget_state,
    widget_views,
)

STEPS = ("load", "collect", "screenshot", "phone", "exercises")
VISITED: list[PageReport] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if VISITED:
        total = sum(sum(r.timings.values()) for r in VISITED)
        slow = max(VISITED, key=lambda r: sum(r.timings.values()))
        terminalreporter.write_line(
            f"browser: {len(VISITED)} pages visited in {total:.0f} s; slowest {slow.path} {slow.timings}"
        )
    for banner in _SKIPPED:
        terminalreporter.write_sep("!", banner, red=True, bold=True)


# ---------------------------------------------------------------- the site and server


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML / "index.html").is_file():
        _missing(f"no built site at {HTML} (run `make book`, or set BOOK_HTML)")
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def base_url(html_dir: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def visit(browser: Any, base_url: str) -> Callable[[str], PageReport]:
    """visit(path) -> PageReport, each page visited once per session."""
    cache: dict[str, PageReport] = {}

    failed: dict[str, BaseException] = {}

    def _visit(path: str) -> PageReport:
        if path in failed:  # visit a page once, even when the visit fails
            raise failed[path]
        if path not in cache:
            try:
                cache[path] = _load(path)
            except Exception as exc:
                failed[path] = exc
                raise
        return cache[path]

    def _load(path: str) -> PageReport:
        report = PageReport(path=path, url=base_url + path)
        context = browser.new_context(viewport=DESKTOP)
        try:
            rec = Recorder(context, base_url, report)
            page = context.new_page()
            rec.attach(page)
            t = [time.perf_counter()]
            page.goto(report.url, wait_until="load")
            models = widget_state(page)
            views = widget_views(page)
            wait_ready(page, sum(1 for mid in views if is_exercise(models.get(mid, {}))))
            t.append(time.perf_counter())
            collect(page, report)
            t.append(time.perf_counter())
            if path.startswith("chapters/"):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                report.screenshot = SCREENSHOTS / (Path(path).stem + ".png")
                page.screenshot(path=str(report.screenshot), full_page=True)
            t.append(time.perf_counter())
            # The same page at phone width (the layout is responsive CSS: no reload needed).
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(150)
            report.phone = phone_overflow(page)
            page.set_viewport_size(DESKTOP)
            t.append(time.perf_counter())
            report.exercises = try_exercises(page, models, views)
            page.wait_for_timeout(100)  # late console errors of the last click
            t.append(time.perf_counter())
        finally:
            context.close()
        report.timings = {k: round(b - a, 2) for k, a, b in zip(STEPS, t[:-1], t[1:], strict=True)}
        VISITED.append(report)
        return report

    return _visit
