"""A student with a kit and nothing else: the grader's wheel in the kit, the kit's README.

The grader is built as a teacher would publish it (an sdist, and a wheel
built from that sdist) and checked for course content. A kit is released
with `--offline`: it carries the grader's wheel, built from the source tree
at release time, and its dependencies' wheels. A fresh virtual environment
follows the kit's README to the letter, with no package index reachable and
no pip configuration of this machine: its install block, then its start and
check commands with relative paths. Neither the kit, nor the built
distributions, nor the installed package may hold a hidden check, a hidden
check's name or a reference solution.
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

from grader.cli import cli
from grader.course import kit
from tests.course_secrets import leaks
from tests.support import EXERCISES, REPO, SOLUTIONS


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


def offline_env() -> dict[str, str]:
    """A new terminal on a machine with no package index: no pip settings, no index to reach."""
    env = {k: v for k, v in clean_env().items() if not k.startswith("PIP_")}
    # No configuration file (this machine's names local indexes and wheel folders), and an
    # index that answers nothing: a README that needs one fails here.
    return env | {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/simple"}


def test_a_student_installs_from_the_kit_alone(tmp_path: Path) -> None:
    home = tmp_path / "student"
    home.mkdir()
    released = CliRunner().invoke(
        cli, ["--exercises", str(EXERCISES), "release", str(home / "kit"), "--offline"]
    )
    assert released.exit_code == 0, released.output
    assert "from its wheels folder alone" in released.output
    wheels = {p.name.split("-")[0].lower() for p in (home / "kit" / "wheels").glob("*.whl")}
    assert {"asyncio_grader", "pytest", "aiohttp", "click", "pyyaml"} <= wheels, wheels
    assert leaks(home / "kit") == []
    readme = (home / "kit" / "README.md").read_text(encoding="utf-8")
    install, work = blocks(readme)
    wheel = f"kit/wheels/asyncio_grader-{kit.version()}-py3-none-any.whl"
    assert install[-1] == f"pip install --no-index --find-links kit/wheels {wheel}"
    assert "Windows" in readme and "WSL" in readme and "Scripts\\activate" not in readme

    env = offline_env()
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
    assert not (tmp_path / "my kit" / "wheels").exists(), "a published grader needs no wheel"


def test_a_kit_carries_the_given_wheel_and_says_where_dependencies_come_from(
    tmp_path: Path,
) -> None:
    # Carried as it is, never opened: any bytes will do (and no second build of the tree,
    # which would race the `dist` fixture's on another xdist worker).
    wheel = tmp_path / f"asyncio_grader-{kit.version()}-py3-none-any.whl"
    wheel.write_bytes(b"PK\x05\x06" + bytes(18))
    args = ["--exercises", str(EXERCISES), "release", str(tmp_path / "kit"), "--wheel", str(wheel)]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert [p.name for p in (tmp_path / "kit" / "wheels").iterdir()] == [wheel.name]
    assert (tmp_path / "kit" / "wheels" / wheel.name).read_bytes() == wheel.read_bytes()
    readme = (tmp_path / "kit" / "README.md").read_text(encoding="utf-8")
    install, _ = blocks(readme)
    assert install[-1] == f"pip install kit/wheels/{wheel.name}"  # this file, not a name
    assert "its dependencies (pytest, aiohttp, ...) from the package" in readme


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--install", "asyncio-grader", "--offline"], "the kit then carries no wheel"),
        (["--wheel", "missing.whl"], "no wheel at missing.whl"),
        (["--wheel", "asyncio_grader-0.0.1-py3-none-any.whl"], "is not a wheel of asyncio-grader"),
    ],
)
def test_release_refuses_what_cannot_make_a_kit(
    tmp_path: Path, extra: list[str], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "asyncio_grader-0.0.1-py3-none-any.whl").write_bytes(b"PK")
    done = CliRunner().invoke(cli, ["--exercises", str(EXERCISES), "release", "kit", *extra])
    assert done.exit_code == 2 and says in done.output, done.output
