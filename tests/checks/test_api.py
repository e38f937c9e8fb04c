"""The check authors' API: one module to import from, failures as data, shared validators."""

from __future__ import annotations

import importlib
import importlib.metadata
import random
import re
import shutil
import sys
from pathlib import Path

import pytest

import grader.checks
from grader.checks import (
    CheckFailed,
    Durations,
    TimingError,
    expect_concurrent,
    expect_entries,
    expect_no_other_loop,
)
from grader.course import catalog, kit
from grader.grading.runner import grade
from grader.sandbox import Call
from grader.sandbox.records import Said
from tests.support import EXERCISES, SOLUTIONS


def test_every_exported_name_is_importable_from_grader_checks() -> None:
    assert grader.checks.__all__ == sorted(grader.checks.__all__)
    for name in grader.checks.__all__:
        assert getattr(grader.checks, name) is not None, name


def test_no_import_hook_serves_module_paths_from_before_the_split() -> None:
    """Kits pin the grader's version: importing `grader` installs no finder of its own.

    Every process that imports `grader` imports it, the children running student
    code too: a finder there would be grader code on every import they make.
    """
    for old in ("grader.timing", "grader.proxy", "grader.pools", "grader.compat"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(old)
    assert not [f for f in sys.meta_path if type(f).__module__.startswith("grader")]


def test_the_version_is_the_installed_distributions() -> None:
    assert grader.__version__ == importlib.metadata.version("asyncio-grader")
    assert grader.__version__ == kit.version()


def test_a_timing_failure_is_a_check_failure_with_its_numbers() -> None:
    with pytest.raises(TimingError) as failed:
        expect_concurrent(1.21, 0.30, what="count(...)", sequential=1.31)
    error = failed.value
    assert isinstance(error, CheckFailed) and isinstance(error, AssertionError)
    assert str(error) == error.message
    assert error.message.startswith("count(...) took 1.21 s; concurrent code takes about 0.30 s")
    assert error.measured == "count(...) took 1.21 s"
    assert error.hint == "did the waits run one after another?"
    assert error.bounds == {"measured": 1.21, "at_least": 0.3, "at_most": 0.495, "sequential": 1.31}


def test_a_lower_bound_failure_is_final_and_says_what_was_expected() -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_concurrent(0.10, 0.40, what="count(...)", too_fast="did it skip the waiting?")
    assert not isinstance(failed.value, TimingError)
    assert failed.value.expected == "count(...) takes at least 0.40 s (the waiting alone)"
    assert failed.value.hint == "did it skip the waiting?"
    assert failed.value.bounds is not None and failed.value.bounds["at_least"] == 0.4


def test_the_dict_validator_says_missing_wrong_and_extra_alike() -> None:
    expected = {"a": 1, "b": 2}

    def check(returned: object) -> str:
        with pytest.raises(CheckFailed) as failed:
            expect_entries(returned, expected, what="f", mismatch=lambda k, got: f"{k} is {got}")
        return failed.value.message

    assert check({"a": 1}) == "the dict f returned has no entry for 'b'"
    assert check({"a": 1, "b": 3}) == "b is 3"
    assert check({"a": 1, "b": 2, "c": 0}) == "the dict f returned has extra keys: ['c']"
    assert "should be a dict" in check([1, 2])
    expect_entries({"b": 2, "a": 1}, expected, what="f", mismatch=lambda k, got: "")


def test_slowest_first_puts_the_slowest_first_and_shuffles_the_rest() -> None:
    durations = Durations(random.Random(3))
    orders = set()
    for _ in range(50):
        waits = durations.slowest_first([0.1, 0.4, 0.2, 0.3])
        assert waits[0] == 0.4 and sorted(waits) == [0.1, 0.2, 0.3, 0.4]
        orders.add(tuple(waits))
    assert len(orders) > 1  # still random where it cannot change a verdict


def test_a_call_that_made_loops_of_its_own_fails_the_loop_check() -> None:
    expect_no_other_loop(Call("make_breakfast", 0.0), what="make_breakfast", hint="h")
    threaded = Call("make_breakfast", 0.0, said=Said(loops=[{"closed": True}] * 3, runners=3))
    with pytest.raises(CheckFailed, match=r"created asyncio\.run 3 time"):
        expect_no_other_loop(threaded, what="make_breakfast", hint="use tasks")
    looped = Call("make_breakfast", 0.0, said=Said(loops=[{"closed": False}]))
    with pytest.raises(CheckFailed, match=r"created 1 event loop\(s\) of its own; use tasks"):
        expect_no_other_loop(looped, what="make_breakfast", hint="use tasks")


def test_a_mismatch_a_busy_machine_can_cause_is_retried() -> None:
    """A fast result given up on (None) may have come late on a busy machine: TimingError."""

    def late(key: str, got: object) -> bool:
        return got is None

    with pytest.raises(TimingError):
        expect_entries({"a": None}, {"a": 1}, what="f", mismatch=lambda k, g: "late", load=late)
    with pytest.raises(CheckFailed) as wrong:
        expect_entries({"a": 2}, {"a": 1}, what="f", mismatch=lambda k, g: "wrong", load=late)
    assert not isinstance(wrong.value, TimingError)


def test_sibling_loads_the_helper_module_beside_a_check_file_once(tmp_path: Path) -> None:
    """Deprecated, kept a release for check folders that are not packages (no __init__.py)."""
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "common.py").write_text(f"WHERE = {name!r}\n")
    before = set(sys.modules)
    try:
        with pytest.deprecated_call():
            one = grader.checks.sibling(str(tmp_path / "one" / "test_public.py"))
        with pytest.deprecated_call():
            again = grader.checks.sibling(str(tmp_path / "one" / "test_hidden.py"))
        with pytest.deprecated_call():
            two = grader.checks.sibling(str(tmp_path / "two" / "test_public.py"))
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]
    assert (one.WHERE, two.WHERE) == ("one", "two") and again is one


def test_a_checks_folder_that_is_no_package_still_grades_with_sibling(tmp_path: Path) -> None:
    """Check folders written before `checks/__init__.py` load `common.py` with `sibling`."""
    root = tmp_path / "count-sync"
    shutil.copytree(EXERCISES / "count-sync", root)
    (root / "checks" / "__init__.py").unlink()
    for name in ("test_public.py", "test_hidden.py"):
        check = root / "checks" / name
        text = check.read_text()
        imported = re.search(r"^from \.common import (.+)\n", text, flags=re.MULTILINE)
        assert imported is not None, f"{name} imports nothing from .common"
        old_style = "from grader.checks import sibling\n\n" + "".join(
            f"{helper} = sibling(__file__).{helper}\n" for helper in imported[1].split(", ")
        )
        check.write_text(text.replace(imported[0], old_style))
    report = grade(catalog.load(root), SOLUTIONS / "count-sync.py")
    assert report.message == "" and report.score == report.max_score == 10, report.message


SCENE_CHECK = '''

async def test_the_scene_is_the_fixtures(
    scene: Scene, submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """the scene holds the very fixtures a check can ask for by name"""
    assert scene.submission is submission, "scene.submission is another Submission"
    assert scene.durations is durations, "scene.durations is another Durations"
    assert scene.recorder is recorder, "scene.recorder is another Recorder"
'''


def test_the_scene_fixture_is_the_three_fixtures_in_one(tmp_path: Path) -> None:
    """A check may take `scene` and the fixtures by name together: they are the same objects."""
    root = tmp_path / "count-sync"
    shutil.copytree(EXERCISES / "count-sync", root)
    hidden = root / "checks" / "test_hidden.py"
    text = hidden.read_text() + SCENE_CHECK
    names = "    Durations,\n    Recorder,\n    Scene,\n    Submission,\n"
    text = text.replace("    Scene,\n", names)
    hidden.write_text(text)
    exercise = root / "exercise.yaml"
    exercise.write_text(exercise.read_text().replace("points: 10", "points: 11"))
    report = grade(catalog.load(root), SOLUTIONS / "count-sync.py")
    ran = {check.name: check.status for check in report.checks}
    assert ran.get("the scene holds the very fixtures a check can ask for by name") == "passed", (
        report.message or ran
    )
    assert report.score == report.max_score == 11, report.message
