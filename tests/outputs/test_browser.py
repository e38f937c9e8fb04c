"""A student's page and the class page, opened in headless Chromium from files.

No browser library: chromedriver is driven over its W3C WebDriver HTTP API
with urllib and json. Each page must load without a console error (a
blocked fetch, a policy violation, a script error all log one), and a
screenshot of the timeline must show one: a PNG of reasonable size whose
pixels are not blank and carry the measured bars' colour. The PNG is decoded
here with zlib, so that "not blank" is a measurement, not a file size.

Skipped where Chromium is missing (Debian: `apt-get install chromium
chromium-driver`); `.ci/run` installs it and sets GRADER_REQUIRE_BROWSER, so
that in CI a missing browser fails instead.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.grading.observations import Diagnostic, DiagnosticKind, Span, SpanKind, Timeline
from grader.grading.report import CheckResult, CheckStatus, Report, Visibility
from grader.outputs import classpage, gradebook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRED = bool(os.environ.get("GRADER_REQUIRE_BROWSER"))

if not (CHROMIUM and CHROMEDRIVER):
    if REQUIRED:
        raise RuntimeError("GRADER_REQUIRE_BROWSER is set, but chromium or chromedriver is missing")
    pytest.skip(
        "headless Chromium is not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

# -- a minimal WebDriver client ------------------------------------------------------------


class WebDriver:
    """One Chromium session through chromedriver's W3C HTTP API."""

    def __init__(self, port: int, profile: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        args = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--window-size=1200,1600",
        ]  # fmt: skip
        created = self.call(
            "POST",
            "/session",
            {
                "capabilities": {
                    "alwaysMatch": {
                        "browserName": "chrome",
                        "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
                        "goog:loggingPrefs": {"browser": "ALL"},
                    }
                }
            },
        )
        self.session = f"/session/{created['sessionId']}"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.read().decode()[:500]}") from None

    def open(self, path: Path) -> None:
        self.call("POST", f"{self.session}/url", {"url": path.as_uri()})

    def title(self) -> str:
        return str(self.call("GET", f"{self.session}/title"))

    def url(self) -> str:
        return str(self.call("GET", f"{self.session}/url"))

    def run(self, script: str) -> Any:
        return self.call("POST", f"{self.session}/execute/sync", {"script": script, "args": []})

    def element(self, css: str) -> str:
        found = self.call(
            "POST", f"{self.session}/element", {"using": "css selector", "value": css}
        )
        return str(next(iter(found.values())))

    def click(self, element: str) -> None:
        self.call("POST", f"{self.session}/element/{element}/click", {})

    def screenshot(self, element: str | None = None) -> bytes:
        where = f"/element/{element}" if element else ""
        return base64.b64decode(self.call("GET", f"{self.session}{where}/screenshot"))

    def browser_log(self) -> list[dict[str, Any]]:
        """The console's entries since the last call (chromedriver's extension endpoints)."""
        for path in ("/se/log", "/log"):
            try:
                return list(self.call("POST", f"{self.session}{path}", {"type": "browser"}))
            except AssertionError:
                continue
        raise AssertionError("chromedriver offers no browser log")

    def errors(self) -> list[str]:
        """Console errors so far: the browser's log at SEVERE, and what the page's hooks saw."""
        logged = [e["message"] for e in self.browser_log() if e.get("level") == "SEVERE"]
        hooked = self.run("return window.__errors || []")
        return logged + [str(h) for h in hooked]

    def hook_errors(self) -> None:
        """Catch errors raised from now on, in case the log misses some (a belt and braces)."""
        self.run(
            "window.__errors = [];"
            "window.addEventListener('error', e => window.__errors.push(String(e.message)));"
            "const original = console.error;"
            "console.error = (...a) => { window.__errors.push(a.join(' ')); original(...a); };"
        )

    def quit(self) -> None:
        self.call("DELETE", self.session)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    profile = tempfile.mkdtemp(prefix="grader-chromium-")
    driver = subprocess.Popen(
        [str(CHROMEDRIVER), "--port=0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        port = _started_on(driver)
        session = WebDriver(port, profile)
        try:
            yield session
        finally:
            session.quit()
    finally:
        driver.terminate()
        try:
            driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver.kill()
            driver.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _started_on(driver: subprocess.Popen[str]) -> int:
    """The port chromedriver chose (it says so on stdout), once it answers /status."""
    assert driver.stdout is not None
    deadline = time.monotonic() + 30
    seen = []
    while time.monotonic() < deadline:
        line = driver.stdout.readline()
        seen.append(line)
        found = re.search(r"started successfully on port (\d+)", line)
        if found:
            port = int(found.group(1))
            break
        assert line or driver.poll() is None, "chromedriver ended: " + "".join(seen)
    else:
        raise AssertionError("chromedriver did not start: " + "".join(seen))
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as r:
                if json.loads(r.read())["value"]["ready"]:
                    return port
        except OSError:
            time.sleep(0.1)
    raise AssertionError("chromedriver never became ready")


# -- PNG, decoded with the standard library --------------------------------------------------


@dataclass
class Image:
    width: int
    height: int
    pixels: list[tuple[int, int, int]]  # row after row

    def share(self, test: Any) -> float:
        return sum(1 for p in self.pixels if test(p)) / len(self.pixels)


def decode_png(data: bytes) -> Image:
    """An 8-bit RGB or RGBA PNG (what Chromium writes) as RGB pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, header = 8, b"", b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6), f"unexpected PNG format: depth {depth}, colour {color}"
    channels = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    pixels: list[tuple[int, int, int]] = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels += [tuple(line[x : x + 3]) for x in range(0, stride, channels)]  # type: ignore[misc]
        previous = line
    return Image(width, height, pixels)


def is_white(p: tuple[int, int, int]) -> bool:
    return min(p) > 245


def is_call_blue(p: tuple[int, int, int]) -> bool:
    """Near --call (#0969da) or --callback (#54aeff): the measured bars."""
    r, g, b = p
    return b > 180 and r < 120 and 80 < g < 200


def is_expected_grey(p: tuple[int, int, int]) -> bool:
    """Near --expected (#8c959f)."""
    r, g, b = p
    return 120 < r < 160 and 130 < g < 170 and 140 < b < 180 and b - r < 30


def is_blocked_red(p: tuple[int, int, int]) -> bool:
    r, g, b = p
    return r > 180 and g < 80 and b < 90


# -- the pages ------------------------------------------------------------------------------


def failing_report(student: str) -> Report:
    """A submission that ran its fetches one after another, with a blocked loop."""
    spans = [
        Span("fetch_all(fetch, keys)", SpanKind.CALL, 0.0, 0.92),
        Span("fetch('a')", SpanKind.CALLBACK, 0.0, 0.3),
        Span("fetch('b')", SpanKind.CALLBACK, 0.31, 0.6, cancelled=True),
        Span("fetch('c')", SpanKind.CALLBACK, 0.61, 0.92, raised="KeyError"),
        Span("loop blocked", SpanKind.BLOCKED, 0.31, 0.6),
        Span("printed 'done'", SpanKind.OUTPUT, 0.92, 0.92),
    ]
    expected = [
        Span("fetch_all(fetch, keys)", SpanKind.CALL, 0.0, 0.31),
        *(Span(f"fetch('{k}')", SpanKind.CALLBACK, 0.0, 0.3) for k in "abc"),
    ]
    hostile = "<script>console.error('injected')</script><img src=x onerror=alert(1)>"
    return Report(
        "gather",
        f"{student}/gather.py",
        10,
        duration=2.0,
        isolation="namespaces",
        checks=[
            CheckResult(
                "returns the results in order", CheckStatus.PASSED, 4, 4, Visibility.PUBLIC
            ),
            CheckResult(
                "takes about as long as the slowest fetch",
                CheckStatus.FAILED,
                0,
                4,
                Visibility.PUBLIC,
                f"took 0.92 s; concurrent code takes about 0.31 s {hostile}",
                diagnostics=[
                    Diagnostic(
                        DiagnosticKind.BLOCKED_LOOP,
                        "line 6: `time.sleep(0.3)` blocked the event loop",
                        6,
                        "time.sleep(0.3)",
                    )
                ],
                timeline=Timeline(spans, expected),
            ),
            CheckResult(
                "raises what a fetch raised", CheckStatus.ERROR, 0, 2, Visibility.HIDDEN, hostile
            ),
        ],
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch's output folder: two students' reports, their pages and the class page."""
    out = tmp_path_factory.mktemp("batch")
    for student in ("ann", "ben"):
        report = failing_report(student)
        gradebook.write_report(gradebook.report_path(out, student, "gather"), report)
    handed_in = [("ann", "gather"), ("ben", "gather")]
    book = gradebook.build(out, ["ann", "ben", "cat"], {"gather": 10}, handed_in)
    classpage.write_index(out, book, handed_in)  # writes the students' pages too
    return out


def test_the_error_detector_sees_an_error(browser: WebDriver, tmp_path: Path) -> None:
    """Without this, "no console errors" below could be a detector that never fires."""
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><img src="missing.png"><script>console.error("x")</script>')
    browser.open(broken)
    errors = browser.errors()
    assert any("missing.png" in e for e in errors), errors
    assert any(e.endswith('"x"') for e in errors), errors


def test_a_student_page_loads_cleanly_and_shows_its_timeline(
    browser: WebDriver, pages: Path
) -> None:
    page = pages / "ann" / "gather.html"
    browser.open(page)
    browser.hook_errors()
    assert browser.title() == "gather: ann/gather.py"
    assert browser.errors() == []
    # The hostile message is text on the page, and did not run.
    shown = browser.run("return document.body.innerText")
    assert "<script>console.error('injected')</script>" in shown
    assert browser.run("return document.scripts.length") == 0
    assert browser.run("return document.images.length") == 0

    whole = decode_png(browser.screenshot())
    assert whole.width == 1200 and whole.height >= 800, (whole.width, whole.height)
    assert whole.share(lambda p: not is_white(p)) > 0.01, "the page is blank"

    measured = decode_png(browser.screenshot(browser.element("figure.measured svg")))
    assert measured.width >= 300 and measured.height >= 100, (measured.width, measured.height)
    assert measured.share(lambda p: not is_white(p)) > 0.05, "the measured timeline is blank"
    assert measured.share(is_call_blue) > 0.02, "no measured bars in the timeline"
    assert measured.share(is_blocked_red) > 0.002, "the blocked stretch is not drawn"
    expected = decode_png(browser.screenshot(browser.element("figure.expected svg")))
    assert expected.share(is_expected_grey) > 0.02, "the expected shape is not drawn"
    assert expected.share(is_call_blue) == 0, "the expected shape is drawn as measured"
    # Side by side on a wide window: the expected timeline starts right of the measured one.
    left = browser.run(
        "return [...document.querySelectorAll('figure.timeline')]"
        ".map(f => f.getBoundingClientRect().left)"
    )
    assert len(left) == 2 and left[1] > left[0] + 300, left
    assert browser.errors() == []


def test_the_class_page_loads_cleanly_and_links_to_each_page(
    browser: WebDriver, pages: Path
) -> None:
    browser.open(pages / "index.html")
    browser.hook_errors()
    assert browser.title() == "The class at a glance"
    assert browser.errors() == []
    histogram = decode_png(browser.screenshot(browser.element("figure.histogram svg")))
    assert histogram.width >= 300 and histogram.share(is_call_blue) > 0.01, "no histogram bars"
    links = browser.run(
        "return [...document.querySelectorAll('table.students td.num a')].map(a => a.href)"
    )
    assert links == [(pages / s / "gather.html").as_uri() for s in ("ann", "ben")]
    browser.click(browser.element("table.students td.num a"))
    assert browser.url() == (pages / "ann" / "gather.html").as_uri()
    assert browser.title() == "gather: ann/gather.py"
    assert browser.errors() == []


def test_the_pages_link_both_ways(browser: WebDriver, pages: Path) -> None:
    """The class table first, each name a link; a student's pages lead back up (issue 19)."""
    browser.open(pages / "index.html")
    first = browser.run("return document.querySelector('h2').textContent")
    assert first == "Students", "the students' table is not the first thing on the page"
    names = browser.run(
        "return [...document.querySelectorAll('table.students td.name a')]"
        ".map(a => [a.textContent, a.href])"
    )
    assert names == [[s, (pages / s / "index.html").as_uri()] for s in ("ann", "ben", "cat")]
    browser.click(browser.element("table.students td.name a"))
    assert browser.title() == "ann: results" and browser.errors() == []
    browser.click(browser.element("table.exercises a"))
    assert browser.url() == (pages / "ann" / "gather.html").as_uri()
    # Inline code in a message is code on the page, not backticks.
    code = browser.run("return [...document.querySelectorAll('.diagnostics code')]"
                       ".map(c => c.textContent)")  # fmt: skip
    assert code == ["time.sleep(0.3)"]
    assert "`" not in browser.run("return document.querySelector('.diagnostics').innerText")
    browser.click(browser.element("nav a"))  # the first link: the class
    assert browser.url() == (pages / "index.html").as_uri() and browser.errors() == []


def test_a_page_to_hand_back_shows_no_hidden_detail(browser: WebDriver, pages: Path) -> None:
    book = gradebook.build(pages, ["ann", "ben", "cat"], {"gather": 10},
                           [("ann", "gather"), ("ben", "gather")])  # fmt: skip
    reports = {(s, "gather"): failing_report(s) for s in ("ann", "ben")}
    folder = classpage.write_hand_back(pages, book, reports) / "ann"
    browser.open(folder / "index.html")
    browser.hook_errors()
    assert browser.title() == "ann: results"
    links = browser.run("return [...document.querySelectorAll('a')].map(a => a.href)")
    assert links == [(folder / "gather.html").as_uri()], "a way out of the student's own pages"
    browser.click(browser.element("table.exercises a"))
    shown = browser.run("return document.body.innerText")
    assert "raises what a fetch raised" in shown, "the hidden check's name is not shown"
    assert "took 0.92 s" in shown, "the public feedback is missing"
    hidden = browser.run("return document.querySelectorAll('.check.hidden').length")
    details = browser.run("return document.querySelectorAll('.check.hidden .message').length")
    assert hidden == 1 and details == 0
    assert shown.count("console.error('injected')") == 1, "the hidden check's message is shown"
    assert "ben" not in shown
    assert browser.errors() == []
