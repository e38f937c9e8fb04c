"""What of the machine a child may see: the interpreter, its libraries, a few packages.

Computed on the trusted side, then used by every backend: `namespaces` binds
exactly these paths read-only into an otherwise empty root, `landlock` allows
reading exactly these. The course (checks, solutions), the class, the outputs,
home folders and the host's /tmp are never among them.

Packages a submission may import beyond the standard library (aiohttp for the
http exercise) are given by distribution name; the view holds each one's files
and those of everything it requires, found through their installed metadata.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

#: Where the namespaces backend puts the packages and the grader's own modules.
SITE = "/opt/grader/site"
LIB = "/opt/grader/lib"


@dataclass(frozen=True)
class View:
    """The paths a child may read; all absolute host paths."""

    python: str  # the interpreter itself (never a venv's symlink)
    system: tuple[str, ...]  # the interpreter's own tree and the system's shared libraries
    packages: dict[str, str] = field(default_factory=dict)  # top-level name -> host path
    grader: str = ""  # the `grader` package folder (its child-side modules are used)
    hidden: tuple[str, ...] = ()  # folders inside `system` covered by an empty one
    links: dict[str, str] = field(default_factory=dict)  # top-level symlinks, /lib -> usr/lib

    @property
    def package_dirs(self) -> list[str]:
        """The folders the packages' top-level entries live in (their sys.path entries)."""
        return sorted({str(Path(path).parent) for path in self.packages.values()})


def interpreter() -> str:
    """The Python children run: `GRADER_SANDBOX_PYTHON`, or the grader's own (never a venv link)."""
    given = os.environ.get("GRADER_SANDBOX_PYTHON", "")
    chosen = shutil.which(given) if given else sys._base_executable  # type: ignore[attr-defined]
    return os.path.realpath(chosen or given)


@functools.cache
def layout(python: str) -> dict[str, str]:
    """Where `python` keeps its standard library and its shared library, as it says itself."""
    if python == os.path.realpath(sys._base_executable):  # type: ignore[attr-defined]
        return _here()
    done = subprocess.run(
        [python, "-I", "-S", "-c", _ASK], capture_output=True, text=True, timeout=30,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if done.returncode != 0:
        raise OSError(f"{python} cannot run: {done.stderr.strip()[-300:]}")
    answer = json.loads(done.stdout)  # a JSONDecodeError is a ValueError too
    keys = ("stdlib", "library", "libdir", "shared", "version")
    if not isinstance(answer, dict) or not all(isinstance(answer.get(k), str) for k in keys):
        raise ValueError(f"{python} does not answer as a Python does: {done.stdout[:100]!r}")
    return {k: answer[k] for k in keys}


_ASK = (
    "import json, sys, sysconfig; print(json.dumps({'stdlib': sysconfig.get_paths()['stdlib'], "
    "'library': sysconfig.get_config_var('LDLIBRARY') or '', "
    "'libdir': sysconfig.get_config_var('LIBDIR') or '', "
    "'shared': str(sysconfig.get_config_var('Py_ENABLE_SHARED') or ''), "
    "'version': '%d.%d' % sys.version_info[:2]}))"
)


def _here() -> dict[str, str]:
    return {
        "stdlib": sysconfig.get_paths()["stdlib"],
        "library": sysconfig.get_config_var("LDLIBRARY") or "",
        "libdir": sysconfig.get_config_var("LIBDIR") or "",
        "shared": str(sysconfig.get_config_var("Py_ENABLE_SHARED") or ""),
        "version": f"{sys.version_info[0]}.{sys.version_info[1]}",
    }


def build(packages: tuple[str, ...] = ()) -> View:
    """The view for a child that may import the standard library and `packages`."""
    return _build(interpreter(), tuple(packages))


@functools.cache
def _build(python: str, packages: tuple[str, ...]) -> View:
    found = layout(python)
    system: list[str] = [python]
    stdlib = os.path.realpath(found["stdlib"])
    system.append(stdlib)
    dynload = os.path.join(stdlib, "lib-dynload")
    if os.path.isdir(dynload):
        system.append(os.path.realpath(dynload))  # may be a link out of the tree
    library, libdir = found["library"], found["libdir"]
    if found["shared"] not in ("", "0") and library and libdir:
        shared = os.path.join(libdir, library)
        if os.path.exists(shared):
            system += sorted({shared, os.path.realpath(shared)})
    # The dynamic loader, libc, libssl, libffi... and the loader's cache.
    for path in ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache"):
        if os.path.exists(path) and not os.path.islink(path):
            system.append(path)
    links = {
        path: os.readlink(path)
        for path in ("/lib", "/lib64", "/lib32", "/libx32")
        if os.path.islink(path)
    }
    hidden = tuple(
        p for p in (os.path.join(stdlib, "site-packages"), os.path.join(stdlib, "dist-packages"))
        if os.path.isdir(p)
    )  # fmt: skip
    return View(
        python=python,
        system=tuple(dict.fromkeys(system)),
        packages=package_files(packages),
        grader=str(Path(__file__).resolve().parents[2]),
        hidden=hidden,
        links=links,
    )


def package_files(names: tuple[str, ...]) -> dict[str, str]:
    """Every top-level module and folder of the distributions `names` and what they require."""
    if not names:
        return {}
    from importlib import metadata

    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    environment = {key: str(value) for key, value in default_environment().items()}
    environment["extra"] = ""
    found: dict[str, str] = {}
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed: the submission's import fails with a clear message
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                todo.append(requirement.name)
        for file in dist.files or []:
            parts = file.parts
            if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith(".pth"):
                continue
            path = Path(str(dist.locate_file(parts[0])))
            if path.exists():
                found[parts[0]] = str(path)
    return found


def parents(paths: list[str]) -> list[str]:
    """Every folder above `paths` (not `/`), shallowest first: what a new root must create."""
    above: set[str] = set()
    for path in paths:
        parent = os.path.dirname(path)
        while parent not in ("/", ""):
            above.add(parent)
            parent = os.path.dirname(parent)
    return sorted(above, key=lambda p: (p.count("/"), p))
