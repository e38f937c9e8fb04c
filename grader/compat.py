"""Old module paths, kept working: released kits freeze check files' imports.

Before the package was split into sub-packages, check files imported
`grader.timing`, `grader.proxy`, `grader.assertions` and so on. A student's kit
keeps those lines for as long as the kit lives, so each old name is served
the module that now holds its contents, as the very same module object.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Loader as _Loader
else:
    _Loader = object

#: Old module name -> the module that holds its contents now.
MOVED = {
    "grader.assertions": "grader.checks.assertions",
    "grader.catalog": "grader.course.catalog",
    "grader.checkfiles": "grader.checks.modules",
    "grader.codec": "grader.sandbox.codec",
    "grader.cutoffs": "grader.checks.cutoffs",
    "grader.gradebook": "grader.outputs.gradebook",
    "grader.gradescope": "grader.outputs.gradescope",
    "grader.httpserver": "grader.checks.httpserver",
    "grader.kit": "grader.course.kit",
    "grader.plugin": "grader.grading.plugin",
    "grader.pools": "grader.checks.pools",
    "grader.proxy": "grader.checks.submission",
    "grader.report": "grader.grading.report",
    "grader.runner": "grader.grading.runner",
    "grader.timing": "grader.checks.timing",
    "grader.verify": "grader.course.verify",
}


class _Alias(_Loader):
    """Finds an old name and hands back the module that replaced it.

    A meta path finder and loader by its methods alone: deriving from
    `importlib.abc` would import `importlib.resources` in every process that
    imports the grader, ten milliseconds of each command's start.
    """

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module: ModuleType) -> None:
        """The module is already executed under its new name."""


def install() -> None:
    """Serve the old names (once per interpreter)."""
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.append(_Alias())
