"""Deprecated: `sibling`, the way check files loaded `checks/common.py` before it was imported.

An exercise's checks folder is now a package (`checks/__init__.py`): the
grader runs pytest with `--import-mode=importlib` and the exercise's folder
as rootdir, so pytest imports it as the package `checks`, and a check file
imports its helpers as any module does, `from .common import make_urls`,
typed for mypy. `sibling` stays for one release, for check folders written
before (no `__init__.py`): it loads a helper module beside a check file by
its path, once, under a name unique to that path (two exercises may both
have a `common.py`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import warnings
from pathlib import Path
from types import ModuleType

#: How the name of every helper module `sibling` loads begins (a session forgets them all).
PREFIX = "_grader_checks_"


def sibling(check_file: str, name: str = "common") -> ModuleType:
    """The module `name`.py in the folder of `check_file` (deprecated: import it instead)."""
    warnings.warn(
        "sibling(__file__) is deprecated and goes in the next release: add an empty "
        "checks/__init__.py and write `from .common import ...` instead",
        DeprecationWarning,
        stacklevel=2,
    )
    path = Path(check_file).resolve().parent / f"{name}.py"
    key = f"{PREFIX}{hashlib.sha1(str(path).encode()).hexdigest()[:12]}_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"no check helpers at {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]
