"""The submission's text as the grader reads it: what it defines, and what it names.

The child says which functions it defines and whether each is `async`
(`Op.READY`); that is the submission's word, and an import could send a
READY of its own. The file itself is read here, on the trusted side: a
top-level `def` or `async def` is what it is, whatever the child says. Where
the text leaves it open (a name bound by assignment, or a decorated
function), the child's word stands; it can make a function plain, never
make a plain one async.

Names in the text are also how the grader knows which API a submission
used where running it looks the same from outside (`asyncio.run` and a
loop driven by hand make the same system calls).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """A submission's top-level functions, and where it names attributes, read from its text."""

    kinds: dict[str, str] = field(default_factory=dict)  # name -> "async" or "sync"
    names: dict[str, list[int]] = field(default_factory=dict)  # "asyncio.run" -> lines
    built: list[int] = field(default_factory=list)  # lines reaching a name built at run time
    attributes: frozenset[str] = frozenset()  # every `.name` the text uses (`tg.create_task`)

    @classmethod
    def parse(cls, content: bytes) -> Source:
        """What the text says; nothing when it does not parse (the import will say why)."""
        try:
            tree = ast.parse(content)
        except (SyntaxError, ValueError):
            return cls()
        kinds: dict[str, str] = {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.decorator_list:
                kinds[node.name] = "async" if isinstance(node, ast.AsyncFunctionDef) else "sync"
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                kinds.pop(node.name, None)  # decorated: what it becomes is not in the text
            else:
                for name in _bound(node):
                    kinds.pop(name, None)
        running = [n for n in tree.body if not _main_guard(n)]
        attributes = frozenset(
            node.attr
            for node in ast.walk(ast.Module(body=running, type_ignores=[]))
            if isinstance(node, ast.Attribute)
        )
        return cls(kinds, _named(tree), _built(tree), attributes)

    def functions(self, claimed: dict[str, str]) -> dict[str, str]:
        """The child's list of functions, each "async" only if the text does not say otherwise."""
        return {
            name: "sync" if self.kinds.get(name, kind) == "sync" else kind
            for name, kind in claimed.items()
        }

    def uses(self, *names: str) -> bool:
        """Whether the text (outside `__main__`) uses any of `names`.

        A dotted name (`asyncio.Queue`) must be that very one, however it was
        imported; a plain one (`create_task`) may be any object's attribute of
        that name (`loop.create_task`, `tg.create_task`) or a name imported
        from a module (`from asyncio import create_task`).
        """
        for name in names:
            if "." in name and self.names.get(name):
                return True
            if "." not in name and (
                name in self.attributes or any(d.endswith(f".{name}") for d in self.names)
            ):
                return True
        return False

    def lines_naming(self, *dotted: str) -> list[int]:
        """The lines where the text names any of `dotted` ("asyncio.run"), imported or not.

        A name the text builds at run time (`getattr(asyncio, "r" + "un")`,
        `exec`, `__import__`) could be any of them: those lines are in `built`.
        """
        return sorted({line for name in dotted for line in self.names.get(name, [])})


def _bound(node: ast.stmt) -> list[str]:
    """Names a top-level statement other than a def may bind."""
    found = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            found.append(child.id)
        elif isinstance(child, ast.alias):
            found.append((child.asname or child.name).split(".")[0])
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.append(child.name)
    return found


def _named(tree: ast.Module) -> dict[str, list[int]]:
    """Each dotted name the text uses (`asyncio.run`), with the lines it is used on.

    `from asyncio import run as go` makes `go` mean `asyncio.run`; `import
    asyncio as aio` makes `aio.run` mean it too. Code under `if __name__ ==
    "__main__":` never runs in a grading, and is left out.
    """
    tree = ast.Module(body=[n for n in tree.body if not _main_guard(n)], type_ignores=[])
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    named: dict[str, list[int]] = {}
    for node in ast.walk(tree):
        dotted = _dotted(node, aliases)
        if dotted is not None:
            named.setdefault(dotted, []).append(getattr(node, "lineno", 0))
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                named.setdefault(f"{node.module}.{alias.name}", []).append(node.lineno)
    return named


#: Calls that reach a function by a name made at run time, out of the text's sight.
_BUILDERS = {"exec", "eval", "compile", "__import__", "importlib.import_module"}


def _built(tree: ast.Module) -> list[int]:
    """Lines that reach something by a name built at run time: getattr on a module, exec, ..."""
    modules = {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    lines = set()
    for node in ast.walk(
        ast.Module(body=[n for n in tree.body if not _main_guard(n)], type_ignores=[])
    ):
        if not isinstance(node, ast.Call):
            continue
        called = ast.unparse(node.func)
        on_module = (
            called in ("getattr", "vars")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in modules
        )
        if called in _BUILDERS or on_module:
            lines.add(node.lineno)
    return sorted(lines)


def _main_guard(node: ast.stmt) -> bool:
    """Whether `node` is `if __name__ == "__main__":`."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    parts = [node.test.left, *node.test.comparators]
    names = {p.id for p in parts if isinstance(p, ast.Name)}
    texts = {p.value for p in parts if isinstance(p, ast.Constant)}
    return names == {"__name__"} and texts == {"__main__"}


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`asyncio.run` for the expression `asyncio.run` (or an alias of it); None otherwise."""
    if isinstance(node, ast.Name) and node.id in aliases and "." in aliases[node.id]:
        return aliases[node.id]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        base = aliases.get(node.value.id, node.value.id)
        return f"{base}.{node.attr}"
    return None
