"""Helpers an exercise's public and hidden checks share, in `checks/common.py`.

Checks are imported with `--import-mode=importlib`, which puts no check folder
on `sys.path`, so one check module cannot `import` another. `sibling` loads a
helper module beside a check file by its path, once, under a name unique to
that path (two exercises may both have a `common.py`). Helper modules go into
the student kit with the public checks: keep hidden checks' specifics out.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

#: How the name of every helper module `sibling` loads begins (a session forgets them all).
PREFIX = "_grader_checks_"


def sibling(check_file: str, name: str = "common") -> ModuleType:
    """The module `name`.py in the folder of `check_file`."""
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
