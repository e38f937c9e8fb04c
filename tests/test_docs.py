"""The documented GitHub workflow and example roster work as documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.batch import classroom, roster
from grader.cli import cli
from grader.course import catalog, kit
from tests.support import EXERCISES, REPO

DOC = REPO / "docs" / "github-classroom.md"


def fenced(language: str, text: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_the_workflow_is_valid_and_pins_this_grader() -> None:
    text = DOC.read_text(encoding="utf-8")
    workflow, classroom_steps = fenced("yaml", text)
    steps = yaml.safe_load(workflow)["jobs"]["check"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert f"pip install '{kit.install_requirement()}'" in runs
    extra = yaml.safe_load(classroom_steps)
    assert extra[0]["with"]["max-score"] == public_points("count-async")  # as said there


def public_points(exercise_id: str) -> int:
    """What an exercise's public checks are worth: the sum of their `points` markers."""
    folder = EXERCISES / exercise_id / "checks"
    marks = re.findall(r"@pytest\.mark\.points\((\d+)\)", (folder / "test_public.py").read_text())
    return sum(map(int, marks))


def test_the_workflow_s_commands_run_in_a_template_made_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DOC.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (template,) = fenced("sh", text)
    for line in template.splitlines():
        command = shlex.split(line.split("#")[0])
        if command and command[0] == "grader":
            args = command[1:] if command[1] != "release" else [*command[1:], "--exercises",
                                                                 str(EXERCISES)]  # fmt: skip
            done = CliRunner().invoke(cli, args, env={"GRADER_EXERCISES": None})
            assert done.exit_code == 0, (line, done.output)
    workflow, classroom_steps = fenced("yaml", text)
    step = next(
        s
        for s in yaml.safe_load(workflow)["jobs"]["check"]["steps"]
        if "grader check" in s.get("run", "")
    )
    command = shlex.split(step["run"])
    done = CliRunner().invoke(cli, command[1:], env={"GITHUB_STEP_SUMMARY": str(tmp_path / "s.md")})
    assert done.exit_code == 1, done.output  # the untouched stub fails its checks
    assert (
        done.output.splitlines()[-1] == "::error title=count-async score::0/9 on the public checks"
    )
    assert (tmp_path / "s.md").read_text().startswith("### count-async: 0/9 on the public checks")
    graded = shlex.split(yaml.safe_load(classroom_steps)[0]["with"]["command"])
    assert CliRunner().invoke(cli, graded[1:]).exit_code == 1


def test_the_example_roster_matches_the_example_class() -> None:
    room = classroom.scan(REPO / "examples" / "class", catalog.catalog(EXERCISES))
    lined_up = roster.match(roster.read(REPO / "examples" / "roster.csv"), room.students)
    assert [m.folder for m in lined_up.matched] == room.students
    assert [m.folder for m in lined_up.without_folder] == ["grace"]
    assert lined_up.without_row == []
