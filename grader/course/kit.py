"""What students get: one exercise to start from, or the whole course's kit.

A kit is itself an exercises folder (exercise.yaml, task, stub and public
checks per exercise), so students check their work against it with
`grader check EXERCISE FILE --exercises KIT`. Hidden checks and reference
solutions never go into it. Its README.md tells a student, who has neither
this repository nor the grader, how to install the very grader version that
made the kit (kits freeze check files, which rely on that version's API) and
which commands to run.

The grader itself comes with the kit, as a wheel in `KIT/wheels/` (`Carry`):
students need no package index to find it, only for its dependencies; with
`Carry.EVERYTHING` those come along too and pip needs no index at all. A
teacher who published the grader on an index names it instead
(`Carry.NOTHING`, the README's `pip install` then asks the index).
"""

from __future__ import annotations

import enum
import platform
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import yaml

import grader
from grader.course import kitconfig
from grader.course.catalog import Exercise, is_hidden
from grader.errors import GraderError, MissingFile

#: The distribution students install the grader from.
DISTRIBUTION = "asyncio-grader"


#: Where a kit carries wheels, inside it.
WHEELS = "wheels"


class WouldOverwrite(GraderError):
    """A file is in the way and overwriting was not asked for."""


class NoWheel(GraderError):
    """The grader's wheel, or its dependencies' wheels, could not be made for the kit."""


class Carry(enum.Enum):
    """What a kit carries of the grader, and so where students' pip finds it."""

    NOTHING = "nothing"  # the README installs from a package index
    GRADER = "grader"  # the grader's wheel; its dependencies from the index
    EVERYTHING = "everything"  # the grader's wheel and its dependencies': no index at all


def _require(exercise: Exercise) -> None:
    """The files a student starts from are there (MissingFile naming the first that is not)."""
    for source in (exercise.stub, exercise.task):
        if not source.is_file():
            raise MissingFile(f"exercise {exercise.id} has no {source.name} at {source}")


def start(exercise: Exercise, dest: Path, *, force: bool = False) -> list[Path]:
    """Write the exercise's stub and task text into `dest`; never overwrite unless forced."""
    targets = {
        exercise.stub: dest / f"{exercise.id}.py",
        exercise.task: dest / f"{exercise.id}.md",
    }
    _require(exercise)
    if not force:
        for target in targets.values():
            if target.exists():
                raise WouldOverwrite(f"{target} already exists; use --force to overwrite it")
    dest.mkdir(parents=True, exist_ok=True)
    for source, target in targets.items():
        shutil.copyfile(source, target)
    return list(targets.values())


def version() -> str:
    """The version of the grader that is running (the installed distribution's)."""
    return grader.__version__


def install_requirement() -> str:
    """What a kit's README tells pip to install: this very grader version."""
    return f"{DISTRIBUTION}=={version()}"


def source_tree() -> Path | None:
    """The grader's source tree when it runs from one (an editable install, a checkout)."""
    root = Path(grader.__file__).resolve().parent.parent
    project = root / "pyproject.toml"
    if project.is_file() and f'name = "{DISTRIBUTION}"' in project.read_text(encoding="utf-8"):
        return root
    return None


def _pip(*args: str, what: str) -> None:
    """Run this interpreter's pip; a failure is a NoWheel: `what` failed, and pip's last line."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", *args], capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=900,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NoWheel(f"{what}: {error}") from None
    if done.returncode != 0:
        said = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise NoWheel(f"{what}: {said[-1].strip() if said else f'pip exited {done.returncode}'}")


def grader_wheel(into: Path, wheel: Path | None = None) -> Path:
    """Put the grader's wheel in `into`: `wheel` if given, else built now from the source tree.

    An installed grader with no source tree is fetched from the index pip
    uses (pinned to this version, with no dependency).
    """
    into.mkdir(parents=True, exist_ok=True)
    if wheel is not None:
        if not wheel.is_file() or wheel.suffix != ".whl":
            raise MissingFile(f"no wheel at {wheel}")
        if not wheel.name.startswith(f"{_wheel_stem()}-"):
            # The kit's checks rely on this version's API: another one's wheel would break them.
            raise NoWheel(f"{wheel.name} is not a wheel of {DISTRIBUTION} {version()}")
        target = into / wheel.name
        shutil.copyfile(wheel, target)
        return target
    tree = source_tree()
    if tree is not None:
        # From a copy of what a wheel is made of: a build in the tree leaves a build/
        # folder there, whose stale files a later wheel would carry.
        with tempfile.TemporaryDirectory(prefix="grader-wheel-") as scratch:
            copy = Path(scratch) / "src"
            shutil.copytree(tree / "grader", copy / "grader",
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
            for name in ("pyproject.toml", "README.md", "MANIFEST.in"):
                if (tree / name).is_file():
                    shutil.copyfile(tree / name, copy / name)
            _pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(into), str(copy),
                 what=f"cannot build the grader's wheel from {tree}")  # fmt: skip
    else:
        _pip("download", "--no-deps", "--quiet", "--only-binary", ":all:", "--dest", str(into),
             install_requirement(),
             what=f"cannot find a wheel of {install_requirement()} (pass --wheel FILE, or "
             "--install REQUIREMENT for a grader published on an index)")  # fmt: skip
    found = sorted(into.glob(f"{_wheel_stem()}-*.whl"))
    if not found:
        raise NoWheel(f"no wheel of {DISTRIBUTION} {version()} was made in {into}")
    return found[0]


def _wheel_stem() -> str:
    """How this grader's wheels' names start (the distribution's name, normalized, and version)."""
    return f"{DISTRIBUTION.replace('-', '_')}-{version()}"


def bundle_dependencies(wheel: Path, into: Path) -> None:
    """Wheels of everything `wheel` needs, built or fetched now, into `into`.

    `pip wheel` rather than `pip download`: a dependency published only as
    an sdist is built here, once, so students' pip needs no build tools.
    """
    _pip("wheel", "--quiet", "--wheel-dir", str(into), str(wheel),
         what="cannot gather the wheels of the grader's dependencies")  # fmt: skip


def this_system() -> str:
    """What the bundled dependency wheels fit: this Python, this operating system and machine."""
    python = f"{platform.python_implementation()} {sys.version_info.major}.{sys.version_info.minor}"
    return f"{python} on {sysconfig.get_platform()}"


def release(
    exercises: list[Exercise],
    out: Path,
    *,
    force: bool = False,
    install: str | None = None,
    carry: Carry = Carry.GRADER,
    wheel: Path | None = None,
    server: str | None = None,
) -> list[Path]:
    """Write the student kit for `exercises` into `out`: no hidden check, no solution.

    `install` is what the README has students `pip install` (by default this
    grader's own version, pinned). `carry` says which wheels go into
    `out/wheels` (`wheel`: the grader's, instead of building one now);
    with `install`, none do. `server`: the class server students hand in to,
    written into the kit's configuration (`grader.course.kitconfig`).
    """
    if out.exists() and any(out.iterdir()) and not force:
        raise WouldOverwrite(f"{out} is not empty; use --force to write into it")
    for exercise in exercises:  # before anything is written: a kit is whole or not made
        _require(exercise)
    if install is not None:
        carry = Carry.NOTHING
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    requirement = install or install_requirement()
    if carry is not Carry.NOTHING:
        wheels = out / WHEELS
        made = grader_wheel(wheels, wheel)
        if carry is Carry.EVERYTHING:
            bundle_dependencies(made, wheels)
        written += sorted(wheels.iterdir())
        # The file itself, not the name: pip then installs this very wheel, never a
        # distribution of that name and version that an index might also offer.
        requirement = f"{out.resolve().name}/{WHEELS}/{made.name}"
    readme = out / "README.md"
    readme.write_text(
        kit_readme(exercises, out.resolve().name, requirement, carry, server), encoding="utf-8"
    )
    written.insert(0, readme)
    if server is not None:
        written.insert(1, kitconfig.write(out, server))
    for exercise in exercises:
        folder = out / exercise.id
        (folder / "checks").mkdir(parents=True, exist_ok=True)
        meta = yaml.safe_load((exercise.root / "exercise.yaml").read_text(encoding="utf-8"))
        meta.pop("solution", None)
        (folder / "exercise.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
        written.append(folder / "exercise.yaml")
        helpers = [
            p for p in (exercise.root / "checks").glob("*.py")
            if not p.name.startswith("test_") and not is_hidden(p)
        ]  # fmt: skip
        for source in [exercise.task, exercise.stub, *exercise.check_files(hidden=False), *helpers]:
            target = folder / source.relative_to(exercise.root)
            shutil.copyfile(source, target)
            written.append(target)
    return written


def kit_readme(
    exercises: list[Exercise],
    kit_name: str,
    requirement: str,
    carry: Carry = Carry.NOTHING,
    server: str | None = None,
) -> str:
    """The kit's README: which systems, install the grader, then start and check an exercise.

    `requirement` is what pip installs: a requirement from an index, or (when
    the kit carries wheels) the path of the grader's wheel in the kit.
    """
    first = exercises[0].id if exercises else "EXERCISE"
    kit = shlex.quote(kit_name)
    rows = "\n".join(f"| `{e.id}` | {e.title} | {e.points:g} |" for e in exercises)
    wheels = f"{kit}/{WHEELS}"
    if carry is Carry.EVERYTHING:
        pip = f"pip install --no-index --find-links {wheels} {shlex.quote(requirement)}"
        where = f"""Everything pip needs is in `{kit_name}/{WHEELS}`, the grader and its
dependencies: `--no-index` keeps pip off the network. Those wheels were made for
{this_system()}; on another system (another Python version, macOS, an ARM
machine) pip may find no wheel there for a dependency: then, with a network,
run the same line without `--no-index`, and pip fetches what is missing from
the package index."""
    elif carry is Carry.GRADER:
        pip = f"pip install {shlex.quote(requirement)}"
        where = f"""pip takes the grader itself from `{kit_name}/{WHEELS}` (it need not be on any
package index), and its dependencies (pytest, aiohttp, ...) from the package
index your pip uses, PyPI by default: this needs a network connection, once.
This kit was made with grader {version()}: install exactly that version, as above."""
    else:
        pip = f"pip install '{requirement}'"
        where = f"""pip fetches the grader and its dependencies from the package index your pip
uses (your teacher published the grader there). This kit was made with grader
{version()}: install exactly that version, as above."""
    return f"""# Your asyncio exercises

This folder, `{kit_name}`, is your kit: for each exercise, the task text, a
file to start from and the public checks, the ones you may run yourself. Your
teacher grades your work with these checks and with hidden ones that test the
same contract more thoroughly: passing the public checks is a good sign, not a
guarantee.

## Which systems run the grader

You need Python 3.11 to 3.13 and one of these:

- **Linux**: `grader check` runs your code in the grader's sandbox, apart
  from your files and the network, when the machine offers one (bubblewrap,
  or Landlock); else without isolation, and a note says so.
- **macOS**: `grader check` runs your code without isolation (the sandbox
  needs Linux), and a note says so; the checks and the score are the same.
- **Windows**: inside WSL (`wsl --install` in PowerShell, then this README in
  the Ubuntu terminal it gives you), where `grader check` works as on Linux.

The grader does not run on Windows itself, outside WSL: it starts your code in
processes of its own with `fork`, which Windows lacks.

## Install the grader, once

Open a terminal in the folder that holds this `{kit_name}` folder (not inside
it), then:

```sh
python3 -m venv .venv
. .venv/bin/activate
{pip}
```

{where}

## Work on an exercise

In the same folder, with the virtual environment active (in a new terminal,
activate it again first: `. .venv/bin/activate`):

```sh
grader list --exercises {kit}
grader start {first} --exercises {kit}
grader check {first} {first}.py --exercises {kit}
```

`grader start` writes `{first}.py` (your file, to edit) and `{first}.md` (the
task) into the current folder; it never overwrites your work. `grader check`
runs the public checks on your file and prints your score and feedback; it
exits with status 0 only when every public check passes. Instead of repeating
`--exercises {kit}`, you may set it once: `export GRADER_EXERCISES={kit}`.

Your file is imported as a module, so put code that tries your functions by
hand under `if __name__ == "__main__":`.
{_hand_in_section(kit, first, server)}
## The exercises

| id | title | points |
|---|---|---|
{rows}
"""


def _hand_in_section(kit: str, first: str, server: str | None) -> str:
    """The README's part on handing work in to the class server (none without a server)."""
    if server is None:
        return ""
    return f"""
## Hand in your work

Your teacher's class server is {server} (written in `{kit}/{kitconfig.FILE}`).
Once, sign in from this folder with the personal sign-in link your teacher
gave you (keep it to yourself: it is your identity on the server):

```sh
grader login YOUR-SIGN-IN-LINK --exercises {kit}
```

It keeps your token in your own `~/.config/grader/credentials.yaml`,
readable by you alone (never in the kit). Then, each time you hand in:

```sh
grader submit {first} {first}.py --exercises {kit}
```

It prints your feedback once graded. A Jupyter notebook works too:
`grader submit {first} {first}.ipynb --exercises {kit}`. The server's page,
{server}, shows your submissions, your deadlines and how many submissions
you have left this hour.
"""
