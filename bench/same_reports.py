"""Compare two batch output folders byte for byte, apart from measured times.

    python bench/same_reports.py BEFORE AFTER

A refactoring must leave every report as it was: this prints each file that
differs once the times are masked (JSON: durations, spans' and bounds'
measured times, what was observed of load and blocking; text: any "1.23 s";
HTML: every number, and the drawn timelines),
and exits 1 if any does. Seeds, scores, statuses, messages, the CSV files and
the expected timelines must be the same to the byte.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

#: Keys whose values are measured on the clock, not drawn from the seed.
_TIMES = {"duration", "measured", "blocked", "busy"}
_SECONDS = re.compile(r"\d+\.\d+ ?(?:s|ms)\b")
_SVG = re.compile(r"<svg.*?</svg>", re.DOTALL)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _mask(value: Any, key: str = "", inside: str = "") -> Any:
    """`value` with every measured time replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: _mask(v, k, inside) for k, v in value.items()}
    if isinstance(value, list):  # its items are named by the list's key
        if key == "spans":  # how many stretches the loop was blocked for is measured too
            value = [v for v in value if not (isinstance(v, dict) and v.get("kind") == "blocked")]
        return [_mask(v, key, key) for v in value]
    if key in _TIMES or (inside == "spans" and key in {"start", "end"}):
        return "<time>"
    if isinstance(value, str):
        return _SECONDS.sub("<time>", value)
    return value


def _masked(path: Path) -> str:
    """The file's text with its times masked (HTML pages: every number)."""
    text = path.read_text(errors="replace")
    if path.suffix == ".json":
        return json.dumps(_mask(json.loads(text)), indent=1, sort_keys=True)
    if path.suffix == ".html":  # a measured timeline's drawing is all times
        return _NUMBER.sub("<n>", _SVG.sub("<svg/>", text))
    return text


def main(before: Path, after: Path) -> int:
    """Print the files that differ between the two folders; 1 if any does."""
    names = sorted(
        {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    )
    differ = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"only in {'after' if b.exists() else 'before'}: {name}")
            differ += 1
        elif _masked(a) != _masked(b):
            print(f"differs: {name}")
            differ += 1
    print(f"{len(names)} files compared, {differ} differ (times masked)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
