"""A student with a kit and nothing else: the grader from a built wheel, the kit's README.

The grader is built as a teacher would publish it (an sdist, and a wheel
built from that sdist), a kit is released, and a fresh virtual environment
follows the kit's README to the letter: its install block (pip finds the
wheel built here through PIP_FIND_LINKS, the dependencies in the usual
index), then its start and check commands with relative paths. Neither the
kit, nor the built distributions, nor the installed package may hold a hidden
check, a hidden check's name or a reference solution.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from course_secrets import leaks
from support import EXERCISES, REPO, SOLUTIONS

from grader.cli import cli
from grader.course import kit


def blocks(markdown: str) -> list[list[str]]:
    """The command lines of each ```sh block of a Markdown text."""
    found = re.findall(r"```sh\n(.*?)```", markdown, flags=re.DOTALL)
    return [[line for line in block.splitlines() if line.strip()] for block in found]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a new terminal: no virtual environment or path of this test run."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.pop("GRADER_EXERCISES", None)
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    return env | extra


def shell(
    line: str, cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """One README line in bash, with the kit's virtual environment active once it exists."""
    activate = ". .venv/bin/activate && " if (cwd / ".venv" / "bin" / "activate").exists() else ""
    return subprocess.run(
        ["bash", "-c", f"set -e; {activate}{line}"], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The grader built as it is published: an sdist, and a wheel built from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def test_the_distributions_carry_no_course_content(dist: Path, tmp_path: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "sdist", filter="data")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "wheel")
    (root,) = (tmp_path / "sdist").iterdir()
    top = {p.name for p in root.iterdir()}
    assert not top & {"exercises", "solutions", "examples", "tests", "bench"}, top
    assert (root / "grader" / "cli.py").is_file()
    assert {p.name for p in (tmp_path / "wheel").iterdir()} == {
        "grader", f"asyncio_grader-{kit.version()}.dist-info",
    }  # fmt: skip
    assert leaks(tmp_path / "sdist") == []
    assert leaks(tmp_path / "wheel") == []


def test_a_student_follows_the_kit_readme(dist: Path, tmp_path: Path) -> None:
    home = tmp_path / "student"
    home.mkdir()
    released = CliRunner().invoke(
        cli, ["--exercises", str(EXERCISES), "release", str(home / "kit")]
    )
    assert released.exit_code == 0, released.output
    assert leaks(home / "kit") == []
    readme = (home / "kit" / "README.md").read_text(encoding="utf-8")
    assert f"pip install 'asyncio-grader=={kit.version()}'" in readme
    install, work = blocks(readme)

    env = clean_env(PIP_FIND_LINKS=f"{dist} {os.environ.get('PIP_FIND_LINKS', '')}".strip())
    for line in install:
        done = shell(line, home, env)
        assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    (site,) = (home / ".venv" / "lib").glob("python*/site-packages")
    installed = site / "grader"
    assert (installed / "cli.py").read_bytes() == (REPO / "grader" / "cli.py").read_bytes(), (
        "pip installed some other asyncio-grader than the one built here"
    )
    assert not (installed / "__editable__").exists() and not list(site.glob("__editable__*"))
    assert leaks(installed) == []
    assert leaks(next(site.glob("asyncio_grader-*.dist-info"))) == []

    # The README's work block: list, start, then check the untouched stub (it fails) ...
    listed, started, checked = (shell(line, home, env) for line in work)
    assert listed.returncode == 0 and "count-sync" in listed.stdout, listed.stderr
    assert started.returncode == 0, started.stderr
    assert "wrote count-sync.py" in started.stdout and (home / "count-sync.md").is_file()
    assert checked.returncode == 1 and "score: 0/6 on the public checks" in checked.stdout, (
        checked.stdout + checked.stderr
    )
    # ... and the same check once the work is done.
    shutil.copy(SOLUTIONS / "count-sync.py", home / "count-sync.py")
    done = shell(work[2], home, env)
    assert done.returncode == 0 and "score: 6/6 on the public checks" in done.stdout, (
        done.stdout + done.stderr
    )

    # Without the kit, the installed grader (which carries no course) says what to do.
    lost = shell("grader check count-sync count-sync.py", home, env)
    assert lost.returncode == 2 and "Traceback" not in lost.stderr
    assert "no exercises folder found: pass --exercises KIT" in lost.stderr


def test_the_leak_search_finds_each_kind_of_leak(tmp_path: Path) -> None:
    """The scans above can fail: a hidden check, its name, or a solution is each found."""
    shutil.copy(EXERCISES / "gather" / "checks" / "test_hidden.py", tmp_path / "checks.py")
    (tmp_path / "notes.md").write_text(
        "the hidden check is: when a fetch raises, fetch_all raises that same exception\n"
    )
    solution = (SOLUTIONS / "kitchen.py").read_text()
    (tmp_path / "copied.py").write_text("# a copy, reformatted\n" + solution.replace("    ", "\t"))
    found = leaks(tmp_path)
    assert any(f.startswith("checks.py: names the hidden check") for f in found), found
    assert any(f.startswith("notes.md: names the hidden check") for f in found), found
    assert any(f.startswith("copied.py: holds the solution's kitchen.py:") for f in found), found


def test_release_install_names_what_students_pip_install(tmp_path: Path) -> None:
    spec = "asyncio-grader @ https://example.edu/asyncio_grader-0.1.0-py3-none-any.whl"
    args = ["--exercises", str(EXERCISES), "release", str(tmp_path / "my kit"), "--install", spec]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    readme = (tmp_path / "my kit" / "README.md").read_text(encoding="utf-8")
    install, work = blocks(readme)
    assert install[-1] == f"pip install '{spec}'"
    assert work[0] == "grader list --exercises 'my kit'"  # quoted for the shell
