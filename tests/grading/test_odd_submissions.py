"""A legal but odd submission gets the grade its behaviour earns, and a true message.

A link, a huge line, a value or exception the grader cannot read, a Ctrl-C
mid-grading: each is said as what really happened, never "your program exited".
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.sandbox import codec
from tests.support import REPO, SOLUTIONS, grade_file

# -- submissions -------------------------------------------------------------------------------


def test_a_link_to_a_file_not_named_py_is_graded_as_its_link(tmp_path: Path) -> None:
    target = tmp_path / "saved.txt"
    target.write_text((SOLUTIONS / "count-async.py").read_text())
    link = tmp_path / "count-async.py"
    link.symlink_to(target)
    report = grade_file("count-async", link)
    assert report.score == report.max_score, report.message


def test_a_syntax_error_on_a_huge_line_is_said_in_a_short_line(tmp_path: Path) -> None:
    deep = tmp_path / "count-async.py"
    deep.write_text("x = " + "[" * 3000 + "]" * 2999 + "\n")
    report = grade_file("count-async", deep)
    assert report.status == "error" and report.message.startswith("your file has a syntax error")
    assert len(report.message) < 700 and report.message.endswith("...)")


def test_an_exception_raised_on_a_huge_line_is_said_in_a_short_line(tmp_path: Path) -> None:
    huge = tmp_path / "count-async.py"
    huge.write_text(
        "async def count(n=30, pauses=None):\n"
        f"    raise ValueError('{'v' * 5000}') if n else {'1 + ' * 2000}1\n"
    )
    messages = [c.message for c in grade_file("count-async", huge).checks]
    assert all(m.startswith("count() raised ValueError: vvv") for m in messages), messages
    assert all(len(m) < 700 for m in messages), [len(m) for m in messages]


def test_values_that_cannot_cross_are_said_as_such(tmp_path: Path) -> None:
    """Not "your program exited": it returned something the grader cannot read."""
    huge = tmp_path / "count-async.py"
    huge.write_text("async def count(n=30, pauses=None):\n    return 10**100000\n")
    messages = [c.message for c in grade_file("count-async", huge).checks]
    assert any("count() returned a value the grader cannot read (ValueError" in m for m in messages)
    assert not any("exited" in m for m in messages), messages


def test_sets_of_frozensets_cross_whole() -> None:
    value = {frozenset({1}), (1, frozenset({2, frozenset({3})}))}
    assert codec.decode(json.loads(json.dumps(codec.encode(value)))) == value
    keyed = {(1, frozenset({2})): "a"}
    assert codec.decode(json.loads(json.dumps(codec.encode(keyed)))) == keyed


def wait_for_a_spinning_descendant(root: int, cpu_seconds: float = 0.5) -> None:
    """Until a process under `root` has spent `cpu_seconds` on the CPU (a loaded machine waits)."""
    tick = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        parents: dict[int, int] = {}
        used: dict[int, float] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            used[pid] = (int(fields[11]) + int(fields[12])) / tick
        for pid, cpu in used.items():
            ancestor = parents.get(pid, 0)
            while ancestor > 1 and ancestor != root:
                ancestor = parents.get(ancestor, 0)
            if ancestor == root and cpu >= cpu_seconds:
                return
        time.sleep(0.1)
    raise AssertionError("no check's child started spinning within 120 s")


def test_ctrl_c_during_a_grading_says_interrupted(tmp_path: Path) -> None:
    spin = tmp_path / "count-async.py"
    spin.write_text("async def count(n=30, pauses=None):\n    while True:\n        pass\n")
    command = [sys.executable, "-m", "grader", "grade", "count-async", str(spin)]
    process = subprocess.Popen(
        command, cwd=REPO, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for_a_spinning_descendant(process.pid)  # the first check's child: well into grading
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err
    assert "interrupted: nothing was graded" in err and "could not be run" not in out + err


def test_an_exception_whose_type_hides_its_name_is_still_said(tmp_path: Path) -> None:
    weird = tmp_path / "count-async.py"
    weird.write_text(
        "class Meta(type):\n"
        "    def __getattribute__(cls, name):\n"
        "        if name == '__name__':\n"
        "            raise RuntimeError('no name')\n"
        "        return super().__getattribute__(name)\n\n"
        "class Weird(Exception, metaclass=Meta):\n    pass\n\n"
        "async def count(n=30, pauses=None):\n    raise Weird('boom')\n"
    )
    messages = [c.message for c in grade_file("count-async", weird).checks]
    assert all(m.startswith("count() raised Exception: boom") for m in messages), messages


@pytest.mark.parametrize(
    "returned",
    ["class Meta(type):\n"
     "    def __getattribute__(cls, name):\n"
     "        if name == '__name__':\n"
     "            raise RuntimeError('no name')\n"
     "        return super().__getattribute__(name)\n\n"
     "class Weird(metaclass=Meta):\n    pass\n\n"
     "async def count(n=30, pauses=None):\n    print(*range(1, n + 1), sep='\\n')\n"
     "    return Weird()\n",
     "class Weird(dict):\n"
     "    def items(self):\n        raise RuntimeError('no items')\n\n"
     "async def count(n=30, pauses=None):\n    print(*range(1, n + 1), sep='\\n')\n"
     "    return Weird(a=1)\n"],
    ids=["type-hides-its-name", "dict-without-items"],
)  # fmt: skip
def test_a_returned_value_that_cannot_be_read_is_said_as_a_wrong_value(
    tmp_path: Path, returned: str
) -> None:
    """The submission's fault, said as what it returned, and never "your program exited"."""
    weird = tmp_path / "count-async.py"
    weird.write_text(returned)
    report = grade_file("count-async", weird)
    messages = [c.message for c in report.checks]
    assert report.score == 0 and not any("exited" in m for m in messages), messages
    assert any("returned" in m and "Weird" in m for m in messages), messages
